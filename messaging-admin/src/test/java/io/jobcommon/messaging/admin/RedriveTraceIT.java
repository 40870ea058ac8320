package io.jobcommon.messaging.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.DeadLetters;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.spi.TransportSettings;
import io.jobcommon.messaging.tracing.MessagingTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * After a redrive, the next CONSUMER span continues the trace of the message's first send and links
 * to it, like the dead-lettered attempt: the trace context travels with the dead letter.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedriveTraceIT {
  @Test
  void theRedrivenAttemptContinuesTheOriginalTrace() throws Exception {
    Map<String, String> env =
        Map.of("MESSAGING_BROKER", "rabbitmq", "RABBITMQ_URL", DeadLetterAdminRabbitMqIT.URL);
    String queue = "jc-redrive-trace-" + UUID.randomUUID().toString().substring(0, 8);
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    AtomicInteger handled = new AtomicInteger();
    List<SpanData> finished;
    try (OpenTelemetrySdk otel =
            OpenTelemetrySdk.builder()
                .setTracerProvider(
                    SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(spans))
                        .build())
                .build();
        Transport raw = DeadLetterTool.transport(TransportSettings.of(env))) {
      Transport traced = MessagingTelemetry.create(otel).wrap(raw);
      Subscription s =
          traced.subscribe(
              queue,
              ConsumerOptions.builder().setConcurrency(1).setPrefetch(0).build(),
              d -> {
                if (handled.incrementAndGet() == 1) {
                  d.deadLetter("attempts-exhausted (1 of 1): timeout");
                } else {
                  d.ack();
                }
              });
      try {
        traced
            .send(
                OutgoingMessage.builder(queue)
                    .setBody("{\"order\":1}".getBytes(StandardCharsets.UTF_8))
                    .build())
            .join();
        DeadLetterAdmin admin =
            DeadLetterAdmin.create(raw, java.time.Clock.systemUTC(), Duration.ofSeconds(2));
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    raw.queueAdmin().orElseThrow().depth(DeadLetters.queueName(queue)).ready()
                        == 1);
        assertThat(admin.redrive(queue, RedriveFilter.all(), false, p -> {}).moved()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> handled.get() == 2);
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    spans.getFinishedSpanItems().stream()
                            .filter(x -> x.getKind() == SpanKind.CONSUMER)
                            .count()
                        == 2);
      } finally {
        s.close();
      }
      finished = spans.getFinishedSpanItems(); // before the SDK's shutdown clears the exporter
    } finally {
      try (Connection c = raw();
          Channel ch = c.createChannel()) {
        ch.queueDelete(queue);
        ch.queueDelete(DeadLetters.queueName(queue));
      }
    }
    SpanData producer =
        finished.stream().filter(x -> x.getKind() == SpanKind.PRODUCER).findFirst().orElseThrow();
    List<SpanData> consumers =
        finished.stream().filter(x -> x.getKind() == SpanKind.CONSUMER).toList();
    assertThat(consumers).hasSize(2);
    for (SpanData c : consumers) {
      assertThat(c.getTraceId()).isEqualTo(producer.getTraceId());
      assertThat(c.getParentSpanId()).isEqualTo(producer.getSpanId());
      assertThat(c.getLinks())
          .extracting(LinkData::getSpanContext)
          .anySatisfy(l -> assertThat(l.getSpanId()).isEqualTo(producer.getSpanId()));
    }
    assertThat(consumers.get(1).getAttributes().asMap().toString()).contains("jc.attempt=1");
  }

  private static Connection raw() throws Exception {
    ConnectionFactory cf = new ConnectionFactory();
    cf.setUri(DeadLetterAdminRabbitMqIT.URL);
    return cf.newConnection("jc-test-raw");
  }
}
