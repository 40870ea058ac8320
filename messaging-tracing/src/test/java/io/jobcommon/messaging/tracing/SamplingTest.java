package io.jobcommon.messaging.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.testing.InMemoryTransport;
import io.jobcommon.testfixtures.InMemoryTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * Messages of unsampled traces skip the span's per-message attributes (they are never recorded),
 * but keep everything else: the context travels on, the handler runs in it with the MDC ids, the
 * metrics count them. Sampled messages keep every attribute and the link, and a sampler still sees
 * the destination at the span's start.
 */
@SuppressWarnings("try") // subscriptions are held open for their side effect
class SamplingTest {
  private static final Duration IDLE = Duration.ofSeconds(10);
  private static final String TRACED = "traced-q";
  private static final String QUIET = "quiet-q";

  /** New traces are sampled on queue {@link #TRACED} only, decided from the start attributes. */
  private static final Sampler BY_DESTINATION =
      Sampler.parentBased(
          new Sampler() {
            @Override
            public SamplingResult shouldSample(
                Context parentContext,
                String traceId,
                String name,
                SpanKind spanKind,
                Attributes attributes,
                List<LinkData> parentLinks) {
              return SamplingResult.create(
                  TRACED.equals(attributes.get(SemanticAttributes.MESSAGING_DESTINATION_NAME))
                      ? io.opentelemetry.sdk.trace.samplers.SamplingDecision.RECORD_AND_SAMPLE
                      : io.opentelemetry.sdk.trace.samplers.SamplingDecision.DROP);
            }

            @Override
            public String getDescription() {
              return "by destination";
            }
          });

  private InMemoryTelemetry otel;
  private InMemoryTransport broker;
  private Transport transport;

  @BeforeEach
  void setUp() {
    otel = new InMemoryTelemetry(BY_DESTINATION, null);
    broker = InMemoryTransport.create();
    transport = MessagingTelemetry.create(otel.sdk()).wrap(broker);
  }

  @AfterEach
  void tearDown() {
    transport.close();
    otel.close();
  }

  private static OutgoingMessage message(String queue) {
    return OutgoingMessage.builder(queue)
        .setBody("{\"n\":1}".getBytes(StandardCharsets.UTF_8))
        .build();
  }

  /** What a handler saw: its span context, the MDC ids, and the message's traceparent. */
  private record Seen(SpanContext span, Map<String, String> mdc, String traceparent) {}

  private Seen handleOne(String queue) throws Exception {
    CompletableFuture<Seen> seen = new CompletableFuture<>();
    try (Subscription s =
        transport.subscribe(
            queue,
            ConsumerOptions.builder().build(),
            d -> {
              seen.complete(
                  new Seen(
                      Span.current().getSpanContext(),
                      Map.of(
                          "trace_id", String.valueOf(MDC.get(MdcScope.TRACE_ID)),
                          "span_id", String.valueOf(MDC.get(MdcScope.SPAN_ID)),
                          "trace_flags", String.valueOf(MDC.get(MdcScope.TRACE_FLAGS))),
                      d.headers().get("traceparent")));
              d.ack();
            })) {
      transport.send(message(queue)).join();
      Seen result = seen.get(10, TimeUnit.SECONDS);
      broker.awaitIdle(IDLE);
      return result;
    }
  }

  @Test
  void anUnsampledMessageStillCarriesItsContextAndItsHandlerRunsInIt() throws Exception {
    Seen seen = handleOne(QUIET);

    assertThat(otel.spans()).isEmpty(); // nothing recorded
    String[] traceparent = seen.traceparent().split("-");
    assertThat(Integer.parseInt(traceparent[3], 16) & 1).isZero(); // not sampled, said downstream
    assertThat(seen.span().isValid()).isTrue();
    assertThat(seen.span().isSampled()).isFalse();
    assertThat(seen.span().getTraceId()).isEqualTo(traceparent[1]); // the sender's trace goes on
    assertThat(seen.span().getSpanId()).isNotEqualTo(traceparent[2]); // in a span of its own
    assertThat(seen.mdc())
        .containsEntry("trace_id", seen.span().getTraceId())
        .containsEntry("span_id", seen.span().getSpanId())
        .containsEntry("trace_flags", seen.span().getTraceFlags().asHex());
  }

  @Test
  void anUnsampledMessageIsCountedInEveryMetric() throws Exception {
    handleOne(QUIET);

    assertThat(otel.counter("messaging.client.sent.messages")).isEqualTo(1);
    assertThat(otel.counter("messaging.client.consumed.messages")).isEqualTo(1);
    assertThat(histogramCount("messaging.process.duration")).isEqualTo(1);
    assertThat(histogramCount("messaging.client.operation.duration")).isEqualTo(2); // send, ack
  }

  @Test
  void aSampledMessagesSpansCarryEveryAttributeAndTheLink() throws Exception {
    Seen seen = handleOne(TRACED);

    SpanData send = otel.onlySpan("send " + TRACED);
    SpanData process = otel.onlySpan("process " + TRACED);
    assertThat(seen.span().isSampled()).isTrue();
    assertThat(process.getSpanId()).isEqualTo(seen.span().getSpanId());
    assertThat(process.getParentSpanId()).isEqualTo(send.getSpanId());
    assertThat(process.getLinks()).hasSize(1);
    SpanContext link = process.getLinks().get(0).getSpanContext();
    assertThat(link.getTraceId()).isEqualTo(send.getTraceId());
    assertThat(link.getSpanId()).isEqualTo(send.getSpanId());

    String id = send.getAttributes().get(SemanticAttributes.MESSAGING_MESSAGE_ID);
    assertThat(id).isNotBlank();
    assertThat(send.getAttributes().asMap())
        .containsEntry(SemanticAttributes.MESSAGING_SYSTEM, "in_memory")
        .containsEntry(SemanticAttributes.MESSAGING_OPERATION_NAME, "send")
        .containsEntry(SemanticAttributes.MESSAGING_OPERATION_TYPE, "send")
        .containsEntry(SemanticAttributes.MESSAGING_DESTINATION_NAME, TRACED)
        .containsEntry(SemanticAttributes.MESSAGING_MESSAGE_BODY_SIZE, 7L);
    assertThat(process.getAttributes().asMap())
        .containsEntry(SemanticAttributes.MESSAGING_SYSTEM, "in_memory")
        .containsEntry(SemanticAttributes.MESSAGING_OPERATION_NAME, "process")
        .containsEntry(SemanticAttributes.MESSAGING_OPERATION_TYPE, "process")
        .containsEntry(SemanticAttributes.MESSAGING_DESTINATION_NAME, TRACED)
        .containsEntry(SemanticAttributes.MESSAGING_MESSAGE_ID, id)
        .containsEntry(SemanticAttributes.MESSAGING_MESSAGE_BODY_SIZE, 7L)
        .containsEntry(SemanticAttributes.JC_ATTEMPT, 1L)
        .containsEntry(SemanticAttributes.JC_SETTLEMENT, "ack")
        .containsKey(SemanticAttributes.JC_TIME_IN_QUEUE_MS);
  }

  private long histogramCount(String name) {
    return otel.metric(name)
        .map(m -> m.getHistogramData().getPoints().stream().mapToLong(p -> p.getCount()).sum())
        .orElse(0L);
  }
}
