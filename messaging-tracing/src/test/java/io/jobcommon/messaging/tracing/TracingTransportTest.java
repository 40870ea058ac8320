package io.jobcommon.messaging.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.testing.InMemoryMessage;
import io.jobcommon.messaging.testing.InMemoryTransport;
import io.jobcommon.testfixtures.InMemoryTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // subscriptions and scopes are held open for their side effect
class TracingTransportTest {
  private static final Duration IDLE = Duration.ofSeconds(10);
  private static final ConsumerOptions OPTIONS =
      ConsumerOptions.builder().setConcurrency(2).build();

  private InMemoryTelemetry otel;
  private InMemoryTransport broker;
  private Transport transport;

  @BeforeEach
  void setUp() {
    otel = new InMemoryTelemetry();
    broker = InMemoryTransport.create();
    transport = MessagingTelemetry.create(otel.sdk()).wrap(broker);
  }

  @AfterEach
  void tearDown() {
    transport.close();
    otel.close();
  }

  private static OutgoingMessage message(String queue, String json) {
    return OutgoingMessage.builder(queue).setBody(json.getBytes(StandardCharsets.UTF_8)).build();
  }

  @Test
  void sendAndProcessShareOneTraceAndTheProcessSpanIsAChildOfAndLinksToTheSendSpan() {
    try (Subscription s = transport.subscribe("orders", OPTIONS, d -> d.ack())) {
      String id = transport.send(message("orders", "{\"n\":1}")).join();
      broker.awaitIdle(IDLE);

      SpanData send = otel.onlySpan("send orders");
      SpanData process = otel.onlySpan("process orders");
      assertThat(send.getKind()).isEqualTo(SpanKind.PRODUCER);
      assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
      assertThat(process.getTraceId()).isEqualTo(send.getTraceId());
      assertThat(process.getParentSpanId()).isEqualTo(send.getSpanId());
      assertThat(process.getLinks()).hasSize(1);
      assertThat(process.getLinks().get(0).getSpanContext().getSpanId())
          .isEqualTo(send.getSpanId());

      assertThat(send.getAttributes().get(SemanticAttributes.MESSAGING_SYSTEM))
          .isEqualTo("in_memory");
      assertThat(send.getAttributes().get(SemanticAttributes.MESSAGING_OPERATION_TYPE))
          .isEqualTo("send");
      assertThat(send.getAttributes().get(SemanticAttributes.MESSAGING_DESTINATION_NAME))
          .isEqualTo("orders");
      assertThat(send.getAttributes().get(SemanticAttributes.MESSAGING_MESSAGE_ID)).isEqualTo(id);
      assertThat(send.getAttributes().get(SemanticAttributes.MESSAGING_MESSAGE_BODY_SIZE))
          .isEqualTo(7L);
      assertThat(process.getAttributes().get(SemanticAttributes.MESSAGING_MESSAGE_ID))
          .isEqualTo(id);
      assertThat(process.getAttributes().get(SemanticAttributes.JC_SETTLEMENT)).isEqualTo("ack");
      assertThat(process.getAttributes().get(SemanticAttributes.JC_ATTEMPT)).isEqualTo(1L);
      assertThat(process.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
    }
  }

  @Test
  void theContextTravelsAsStringHeadersAndBodiesAreNeverRecorded() {
    transport.send(message("orders", "{\"secret\":\"hunter2\"}")).join();
    InMemoryMessage m = broker.sentTo("orders").get(0);
    SpanData send = otel.onlySpan("send orders");
    assertThat(m.headers().get("traceparent")).isEqualTo(traceparentOf(send));
    assertThat(m.bodyAsString()).isEqualTo("{\"secret\":\"hunter2\"}"); // body untouched by default
    assertThat(m.headers()).doesNotContainKey(Carriers.AWS_TRACE_HEADER); // only on aws_sqs
    assertThat(send.getAttributes().asMap().values())
        .noneMatch(v -> String.valueOf(v).contains("hunter2"));
  }

  @Test
  void aMessageSentFromInsideAHandlerContinuesTheSameTrace() {
    try (Subscription first =
            transport.subscribe(
                "first",
                OPTIONS,
                d -> {
                  transport.send(message("second", "{}")).join();
                  d.ack();
                });
        Subscription second = transport.subscribe("second", OPTIONS, d -> d.ack())) {
      transport.send(message("first", "{}")).join();
      broker.awaitIdle(IDLE);
    }
    SpanData send1 = otel.onlySpan("send first");
    SpanData process1 = otel.onlySpan("process first");
    SpanData send2 = otel.onlySpan("send second");
    SpanData process2 = otel.onlySpan("process second");
    assertThat(List.of(process1, send2, process2))
        .allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(send1.getTraceId()));
    assertThat(send2.getParentSpanId()).isEqualTo(process1.getSpanId());
    assertThat(process2.getParentSpanId()).isEqualTo(send2.getSpanId());
  }

  @Test
  void aRetriedMessageGetsOneProcessSpanPerAttemptEachContinuingTheProducersTrace() {
    try (Subscription s =
        transport.subscribe(
            "retry",
            OPTIONS,
            d -> {
              if (d.attempt() < 3) {
                d.retryLater(Duration.ofMillis(10), new IllegalStateException("busy"));
              } else {
                d.ack();
              }
            })) {
      transport.send(message("retry", "{}")).join();
      broker.awaitIdle(IDLE);
    }
    SpanData send = otel.onlySpan("send retry");
    List<SpanData> attempts = otel.spansNamed("process retry");
    assertThat(attempts).hasSize(3);
    assertThat(attempts)
        .allSatisfy(
            p -> {
              assertThat(p.getTraceId()).isEqualTo(send.getTraceId());
              assertThat(p.getParentSpanId()).isEqualTo(send.getSpanId());
              assertThat(p.getLinks().get(0).getSpanContext().getSpanId())
                  .isEqualTo(send.getSpanId());
            });
    assertThat(attempts)
        .extracting(p -> p.getAttributes().get(SemanticAttributes.JC_ATTEMPT))
        .containsExactlyInAnyOrder(1L, 2L, 3L);
    SpanData firstAttempt = byAttempt(attempts, 1);
    assertThat(firstAttempt.getAttributes().get(SemanticAttributes.JC_SETTLEMENT))
        .isEqualTo("retry");
    assertThat(firstAttempt.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(firstAttempt.getAttributes().get(SemanticAttributes.ERROR_TYPE))
        .isEqualTo("java.lang.IllegalStateException");
    assertThat(firstAttempt.getEvents()).anyMatch(e -> e.getName().equals("exception"));
    assertThat(byAttempt(attempts, 3).getAttributes().get(SemanticAttributes.JC_SETTLEMENT))
        .isEqualTo("ack");
    assertThat(otel.counter("jc.messages.retried")).isEqualTo(2);
  }

  @Test
  void aDeadLetteredMessagesLastSpanIsErrorWithTheReason() {
    try (Subscription s =
        transport.subscribe(
            "doomed",
            OPTIONS,
            d -> {
              if (d.attempt() < 2) {
                d.retryLater(Duration.ofMillis(10));
              } else {
                d.deadLetter("attempts-exhausted (2 of 2): boom", new RuntimeException("boom"));
              }
            })) {
      transport.send(message("doomed", "{}")).join();
      broker.awaitIdle(IDLE);
    }
    SpanData last = byAttempt(otel.spansNamed("process doomed"), 2);
    assertThat(last.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(last.getStatus().getDescription()).isEqualTo("attempts-exhausted (2 of 2): boom");
    assertThat(last.getAttributes().get(SemanticAttributes.JC_SETTLEMENT)).isEqualTo("dead_letter");
    assertThat(last.getAttributes().get(SemanticAttributes.JC_DEAD_LETTER_REASON))
        .isEqualTo("attempts-exhausted (2 of 2): boom");
    assertThat(last.getAttributes().get(SemanticAttributes.ERROR_TYPE))
        .isEqualTo("java.lang.RuntimeException");
    assertThat(broker.deadLettered("doomed")).hasSize(1);
    assertThat(otel.counter("jc.messages.dead_lettered")).isEqualTo(1);
  }

  @Test
  void aDeadLetterWithoutCauseIsStillError() {
    try (Subscription s = transport.subscribe("bad", OPTIONS, d -> d.deadLetter("no cause"))) {
      transport.send(message("bad", "{}")).join();
      broker.awaitIdle(IDLE);
    }
    SpanData span = otel.onlySpan("process bad");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getStatus().getDescription()).isEqualTo("no cause");
    assertThat(span.getAttributes().get(SemanticAttributes.ERROR_TYPE)).isEqualTo("dead_letter");
  }

  @Test
  void aBatchSendIsOneSpanWithTheCountAndItsContextInEveryEntry() {
    List<OutgoingMessage> batch =
        List.of(message("batch", "{}"), message("batch", "{}"), message("batch", "{}"));
    transport.sendBatch(batch).join();
    SpanData send = otel.onlySpan("send batch");
    assertThat(send.getAttributes().get(SemanticAttributes.MESSAGING_BATCH_MESSAGE_COUNT))
        .isEqualTo(3L);
    assertThat(otel.spans()).hasSize(1);
    assertThat(broker.sentTo("batch"))
        .hasSize(3)
        .allSatisfy(m -> assertThat(m.headers().get("traceparent")).isEqualTo(traceparentOf(send)));
    assertThat(otel.counter("messaging.client.sent.messages")).isEqualTo(3);
  }

  @Test
  void aBatchToSeveralQueuesIsNamedByTheOperationOnly() {
    transport.sendBatch(List.of(message("a", "{}"), message("b", "{}"))).join();
    SpanData send = otel.onlySpan("send");
    assertThat(send.getAttributes().get(SemanticAttributes.MESSAGING_DESTINATION_NAME)).isNull();
  }

  @Test
  void aFailedSendIsErrorWithTheErrorType() {
    InMemoryTransport small = InMemoryTransport.builder().setMaxMessageSize(4).build();
    Transport traced = MessagingTelemetry.create(otel.sdk()).wrap(small);
    CompletableFuture<String> f = traced.send(message("q", "{\"too\":\"big\"}"));
    assertThat(f).failsWithin(5, TimeUnit.SECONDS);
    SpanData send = otel.onlySpan("send q");
    assertThat(send.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(send.getAttributes().get(SemanticAttributes.ERROR_TYPE))
        .isEqualTo("io.jobcommon.messaging.MessageTooLargeException");
    traced.close();
  }

  @Test
  void rabbitmqSendsArePublishSpans() {
    Transport rabbit =
        MessagingTelemetry.create(otel.sdk()).wrap(new SystemOverride(broker, "rabbitmq"));
    rabbit.send(message("jobs", "{}")).join();
    SpanData span = otel.onlySpan("publish jobs");
    assertThat(span.getAttributes().get(SemanticAttributes.MESSAGING_OPERATION_NAME))
        .isEqualTo("publish");
    assertThat(span.getAttributes().get(SemanticAttributes.MESSAGING_OPERATION_TYPE))
        .isEqualTo("send");
    assertThat(span.getAttributes().get(SemanticAttributes.MESSAGING_SYSTEM)).isEqualTo("rabbitmq");
  }

  @Test
  void aBrokenPropagatorNeverFailsTheSend() {
    Transport traced =
        MessagingTelemetry.builder(otel.sdk())
            .setPropagator(new ThrowingPropagator())
            .build()
            .wrap(broker);
    assertThat(traced.send(message("q", "{}")).join()).isNotBlank();
    assertThat(traced.sendBatch(List.of(message("q", "{}"))).join()).hasSize(1);
    assertThat(broker.sentTo("q")).hasSize(2);
    assertThat(otel.spans()).hasSize(2).allSatisfy(s -> assertThat(s.hasEnded()).isTrue());
  }

  @Test
  void aThrowingHandlerEndsItsSpanAsErrorAndTheMessageComesBack() {
    AtomicInteger calls = new AtomicInteger();
    try (Subscription s =
        transport.subscribe(
            "flaky",
            OPTIONS,
            d -> {
              if (calls.incrementAndGet() == 1) {
                throw new IllegalArgumentException("handler bug");
              }
              d.ack();
            })) {
      transport.send(message("flaky", "{}")).join();
      broker.awaitIdle(IDLE);
    }
    List<SpanData> spans = otel.spansNamed("process flaky");
    assertThat(spans).hasSize(2);
    assertThat(spans)
        .filteredOn(p -> p.getStatus().getStatusCode() == StatusCode.ERROR)
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.getAttributes().get(SemanticAttributes.ERROR_TYPE))
                    .isEqualTo("java.lang.IllegalArgumentException"));
    assertThat(spans)
        .filteredOn(p -> "ack".equals(p.getAttributes().get(SemanticAttributes.JC_SETTLEMENT)))
        .hasSize(1);
  }

  @Test
  void metricsFollowTheConventions() {
    try (Subscription s = transport.subscribe("m", OPTIONS, d -> d.ack())) {
      transport.send(message("m", "{}")).join();
      broker.awaitIdle(IDLE);
    }
    MetricData op = otel.metric("messaging.client.operation.duration").orElseThrow();
    assertThat(op.getUnit()).isEqualTo("s");
    HistogramPointData point = op.getHistogramData().getPoints().iterator().next();
    assertThat(point.getBoundaries()).isEqualTo(MessagingMetrics.DURATION_BUCKETS);
    MetricData process = otel.metric("messaging.process.duration").orElseThrow();
    assertThat(process.getUnit()).isEqualTo("s");
    assertThat(process.getHistogramData().getPoints().iterator().next().getCount()).isEqualTo(1);
    assertThat(otel.counter("messaging.client.sent.messages")).isEqualTo(1);
    assertThat(
            otel.counter(
                "messaging.client.consumed.messages",
                AttributeKey.stringKey("messaging.destination.name"),
                "m"))
        .isEqualTo(1);
  }

  /** The SDK sets the W3C level-2 "random" flag too: 03. */
  static String traceparentOf(SpanData span) {
    return "00-"
        + span.getTraceId()
        + "-"
        + span.getSpanId()
        + "-"
        + span.getSpanContext().getTraceFlags().asHex();
  }

  static TelemetryConfig configOf(MessagingTelemetry telemetry) {
    return telemetry.config();
  }

  private static SpanData byAttempt(List<SpanData> spans, long attempt) {
    return spans.stream()
        .filter(s -> s.getAttributes().get(SemanticAttributes.JC_ATTEMPT) == attempt)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span of attempt " + attempt + " in " + spans));
  }
}
