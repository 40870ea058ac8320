package io.jobcommon.messaging.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.DeliveryHandler;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.testing.InMemoryTransport;
import io.jobcommon.testfixtures.InMemoryTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.instrumentation.api.internal.SpanKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an instrumentation underneath sees (the OpenTelemetry Java agent's, which bridges the
 * instrumentation API's span keys): while the transport talks to the broker for a send, our
 * PRODUCER span is in the context as the messaging send span and as its client call, so the agent
 * starts no span of its own there; in the handler, our CONSUMER span is the messaging process span,
 * and the client keys are not set (the handler's own HTTP calls stay traced).
 */
class SpanSuppressionKeysTest {
  private InMemoryTelemetry otel;
  private InMemoryTransport broker;

  @BeforeEach
  void setUp() {
    otel = new InMemoryTelemetry();
    broker = InMemoryTransport.create();
  }

  @AfterEach
  void tearDown() {
    broker.close();
    otel.close();
  }

  @Test
  @SuppressWarnings("try") // the subscription is only held open
  void theBrokerCallOfASendAndTheHandlerSeeOurSpansUnderTheInstrumentationApiKeys() {
    Map<String, @Nullable Span> atSend = new ConcurrentHashMap<>();
    Map<String, @Nullable Span> inHandler = new ConcurrentHashMap<>();
    Transport recording = new RecordingTransport(broker, atSend);
    Transport traced = MessagingTelemetry.create(otel.sdk()).wrap(recording);
    DeliveryHandler handler =
        d -> {
          record(inHandler);
          d.ack();
        };
    try (Subscription s = traced.subscribe("q", ConsumerOptions.defaults(), handler)) {
      traced
          .send(OutgoingMessage.builder("q").setBody("{}".getBytes(StandardCharsets.UTF_8)).build())
          .join();
      broker.awaitIdle(Duration.ofSeconds(10));
    }
    SpanData send = otel.onlySpan("send q");
    SpanData process = otel.onlySpan("process q");
    assertThat(List.of("producer", "rpc_client", "http_client"))
        .allSatisfy(
            key ->
                assertThat(atSend.get(key).getSpanContext().getSpanId())
                    .as(key)
                    .isEqualTo(send.getSpanId()));
    assertThat(atSend).doesNotContainKey("consumer_process");
    assertThat(inHandler.get("consumer_process").getSpanContext().getSpanId())
        .isEqualTo(process.getSpanId());
    assertThat(inHandler).containsOnlyKeys("consumer_process");
  }

  /** Reports {@code aws_sqs} and records the keys current when a send reaches the broker. */
  private static final class RecordingTransport implements Transport {
    private final Transport delegate;
    private final Map<String, @Nullable Span> atSend;

    RecordingTransport(Transport delegate, Map<String, @Nullable Span> atSend) {
      this.delegate = delegate;
      this.atSend = atSend;
    }

    @Override
    public String system() {
      return "aws_sqs";
    }

    @Override
    public CompletableFuture<String> send(OutgoingMessage message) {
      record(atSend);
      return delegate.send(message);
    }

    @Override
    public Subscription subscribe(String queue, ConsumerOptions options, DeliveryHandler handler) {
      return delegate.subscribe(queue, options, handler);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  private static void record(Map<String, @Nullable Span> into) {
    Context current = Context.current();
    put(into, "producer", SpanKey.PRODUCER.fromContextOrNull(current));
    put(into, "rpc_client", SpanKey.RPC_CLIENT.fromContextOrNull(current));
    put(into, "http_client", SpanKey.HTTP_CLIENT.fromContextOrNull(current));
    put(into, "consumer_process", SpanKey.CONSUMER_PROCESS.fromContextOrNull(current));
  }

  private static void put(Map<String, @Nullable Span> into, String key, @Nullable Span span) {
    if (span != null) {
      into.put(key, span);
    }
  }
}
