package io.jobcommon.messaging.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.testing.InMemoryTransport;
import io.jobcommon.testfixtures.InMemoryTelemetry;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SQS carrier rules, on a transport that reports {@code aws_sqs} (the real SqsTransport maps
 * the {@code AWSTraceHeader} header to the system attribute of that name).
 */
@SuppressWarnings("try") // subscriptions and scopes are held open for their side effect
class SqsCarrierTest {
  private static final Pattern XRAY =
      Pattern.compile("Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=[01]");

  private InMemoryTelemetry otel;
  private InMemoryTransport broker;
  private SystemOverride sqs;
  private Transport transport;

  @BeforeEach
  void setUp() {
    otel = new InMemoryTelemetry();
    broker = InMemoryTransport.create();
    sqs = new SystemOverride(broker, "aws_sqs");
    transport = MessagingTelemetry.create(otel.sdk()).wrap(sqs);
  }

  @AfterEach
  void tearDown() {
    transport.close();
    otel.close();
  }

  private static OutgoingMessage withUserHeaders(int count) {
    OutgoingMessage.Builder b =
        OutgoingMessage.builder("q").setBody("{}".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < count; i++) {
      b.setHeader("attr" + i, "v" + i);
    }
    return b.build();
  }

  /** Sends with a current parent that has a tracestate and baggage, so all three fields exist. */
  private void sendWithFullContext(OutgoingMessage m) {
    Span parent = otel.sdk().getTracer("test").spanBuilder("parent").startSpan();
    Context ctx =
        Context.root()
            .with(
                Span.wrap(
                    io.opentelemetry.api.trace.SpanContext.create(
                        parent.getSpanContext().getTraceId(),
                        parent.getSpanContext().getSpanId(),
                        parent.getSpanContext().getTraceFlags(),
                        TraceState.builder().put("vendor", "x").build())))
            .with(Baggage.builder().put("tenant", "t1").build());
    try (Scope ignored = ctx.makeCurrent()) {
      transport.send(m).join();
    } finally {
      parent.end();
    }
  }

  @Test
  void everyMessageCarriesTheContextTwiceAndBothNameTheSendSpan() {
    sendWithFullContext(withUserHeaders(0));
    Map<String, String> headers = sqs.sent.get(0).headers();
    SpanData send = otel.onlySpan("send q");
    assertThat(headers.get("traceparent")).contains(send.getTraceId()).contains(send.getSpanId());
    assertThat(headers.get("tracestate")).isEqualTo("vendor=x");
    assertThat(headers.get("baggage")).isEqualTo("tenant=t1");
    String xray = headers.get(Carriers.AWS_TRACE_HEADER);
    assertThat(xray).matches(XRAY);
    assertThat(xray.replace("-", "")).contains(send.getTraceId().substring(8));
    assertThat(xray).contains("Parent=" + send.getSpanId()).contains("Sampled=1");
  }

  /**
   * SQS's 10-attribute budget is the SQS transport's to keep (its WireFormat knows the real count,
   * a body that is not text costs an attribute there): the tracing layer writes every field, even
   * beside ten headers of the user's own.
   */
  @ParameterizedTest(name = "{0} user attributes")
  @ValueSource(ints = {8, 9, 10})
  void theTracingLayerWritesEveryFieldAndLeavesTheBudgetToTheTransport(int userHeaders) {
    sendWithFullContext(withUserHeaders(userHeaders));
    Map<String, String> headers = sqs.sent.get(0).headers();
    assertThat(headers).containsKeys("traceparent", "tracestate", "baggage");
    assertThat(headers.get(Carriers.AWS_TRACE_HEADER)).matches(XRAY);
    assertThat(headers).hasSize(userHeaders + 4);
  }

  @Test
  void anOlderContextOfAForwardedMessageIsReplacedAsAWhole() {
    OutgoingMessage forwarded =
        withUserHeaders(1).toBuilder()
            .setHeader("Traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            .setHeader("tracestate", "old=1")
            .setHeader("baggage", "old=1")
            .build();
    transport.send(forwarded).join();
    Map<String, String> headers = sqs.sent.get(0).headers();
    SpanData send = otel.onlySpan("send q");
    assertThat(headers)
        .containsOnlyKeys("attr0", "traceparent", Carriers.AWS_TRACE_HEADER)
        .doesNotContainKey("Traceparent");
    assertThat(headers.get("traceparent")).contains(send.getSpanId());
  }

  @Test
  void aUserSetAwsTraceHeaderIsNeverReplaced() {
    String mine = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    transport.send(withUserHeaders(0).toBuilder().setHeader("AWSTraceHeader", mine).build()).join();
    assertThat(sqs.sent.get(0).headers().get(Carriers.AWS_TRACE_HEADER)).isEqualTo(mine);
  }

  @Test
  void otherSystemsGetNoAwsTraceHeaderAndNoBudget() {
    Transport rabbit =
        MessagingTelemetry.create(otel.sdk()).wrap(new SystemOverride(broker, "rabbitmq"));
    rabbit.send(withUserHeaders(12)).join();
    assertThat(broker.sentTo("q").get(0).headers())
        .containsKey("traceparent")
        .doesNotContainKey(Carriers.AWS_TRACE_HEADER);
  }

  @ParameterizedTest(name = "{0} user attributes")
  @ValueSource(ints = {0, 9, 10})
  void ourConsumerContinuesTheTraceFromEitherCarrier(int userHeaders) {
    try (Subscription s =
        transport.subscribe(
            "q", ConsumerOptions.builder().setConcurrency(1).build(), d -> d.ack())) {
      transport.send(withUserHeaders(userHeaders)).join();
      broker.awaitIdle(Duration.ofSeconds(10));
    }
    SpanData send = otel.onlySpan("send q");
    SpanData process = otel.onlySpan("process q");
    assertThat(process.getTraceId()).isEqualTo(send.getTraceId());
    assertThat(process.getParentSpanId()).isEqualTo(send.getSpanId());
    assertThat(process.getLinks().get(0).getSpanContext().getSpanId()).isEqualTo(send.getSpanId());
  }

  @Test
  void awsTraceHeaderCanBeTurnedOff() {
    Transport plain =
        MessagingTelemetry.builder(otel.sdk()).setAwsTraceHeader(false).build().wrap(sqs);
    plain.send(withUserHeaders(0)).join();
    assertThat(sqs.sent.get(0).headers()).doesNotContainKey(Carriers.AWS_TRACE_HEADER);
  }
}
