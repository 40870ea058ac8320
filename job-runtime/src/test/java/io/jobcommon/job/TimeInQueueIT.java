package io.jobcommon.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.sqs.ElasticMq;
import io.jobcommon.messaging.sqs.SqsTransport;
import io.jobcommon.testfixtures.InMemoryTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Time in queue: {@code JobContext.sentAt()}, the {@code jc.message.time_in_queue} histogram and
 * the CONSUMER span's {@code jc.time_in_queue_ms}, for messages of a known age on both brokers.
 */
class TimeInQueueIT {
  @RegisterExtension static final ElasticMq sqs = new ElasticMq();

  private static final String URL =
      System.getenv().getOrDefault("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/%2F");
  private static final AttributeKey<Long> SPAN_KEY = AttributeKey.longKey("jc.time_in_queue_ms");

  record Ping(String id) {}

  private final InMemoryTelemetry otel = new InMemoryTelemetry();

  @AfterEach
  void tearDown() {
    otel.close();
  }

  private double histogramMax(String queue) {
    MetricData m =
        otel.metrics().stream()
            .filter(d -> d.getName().equals("jc.message.time_in_queue"))
            .findFirst()
            .orElseThrow();
    HistogramPointData p =
        m.getHistogramData().getPoints().stream()
            .filter(
                x ->
                    queue.equals(
                        x.getAttributes()
                            .get(AttributeKey.stringKey("messaging.destination.name"))))
            .findFirst()
            .orElseThrow();
    assertThat(p.getCount()).isEqualTo(1);
    return p.getMax();
  }

  private long spanValue() {
    SpanData s =
        otel.spans().stream()
            .filter(x -> x.getName().startsWith("process "))
            .findFirst()
            .orElseThrow();
    return s.getAttributes().get(SPAN_KEY);
  }

  @Test
  void rabbitMqReadsATimestampInMillisecondsAsJobCommonProducersSetIt() throws Exception {
    String queue = "jc-lag-" + UUID.randomUUID().toString().substring(0, 8);
    Instant sent = Instant.ofEpochMilli(System.currentTimeMillis()).minus(Duration.ofSeconds(120));
    CompletableFuture<Optional<Instant>> seen = new CompletableFuture<>();
    try (JobRuntime rt =
        JobRuntime.builder()
            .setEnvironment(
                ConfigurationTest.quiet(
                    Map.of("MESSAGING_BROKER", "rabbitmq", "RABBITMQ_URL", URL)))
            .setOpenTelemetry(otel.sdk())
            .setRegisterShutdownHook(false)
            .build()) {
      rt.start(JobConsumer.of(queue, Ping.class, (p, ctx) -> seen.complete(ctx.sentAt())));
      ConnectionFactory cf = new ConnectionFactory();
      cf.setUri(URL);
      try (Connection c = cf.newConnection("jc-test-raw");
          Channel ch = c.createChannel()) {
        // amqplib writes Date.now() (ms) into the 64-bit timestamp; amqp-client multiplies by 1000.
        AMQP.BasicProperties props =
            new AMQP.BasicProperties.Builder()
                .timestamp(new Date(sent.toEpochMilli() * 1000))
                .contentType("application/json")
                .build();
        ch.basicPublish("", queue, props, "{\"id\":\"p\"}".getBytes(StandardCharsets.UTF_8));
      }
      assertThat(seen.get(30, TimeUnit.SECONDS)).hasValue(sent);
    } finally {
      deleteRabbitQueue(queue);
    }
    assertThat(histogramMax(queue)).isCloseTo(120.0, within(10.0));
    assertThat(spanValue()).isBetween(120_000L, 130_000L);
  }

  @Test
  void sqsReadsSentTimestamp() throws Exception {
    String queue = "jc-lag-" + UUID.randomUUID().toString().substring(0, 8);
    // The consumer's clock runs 90 s ahead: every message it receives is 90 s old.
    Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(90));
    SqsTransport transport =
        SqsTransport.builder()
            .setClient(sqs.client())
            .setAutoCreateQueues(true)
            .setClock(ahead)
            .build();
    CompletableFuture<Optional<Instant>> seen = new CompletableFuture<>();
    Instant before = Instant.now();
    try (JobRuntime rt =
        JobRuntime.builder()
            .setTransport(transport)
            .setOpenTelemetry(otel.sdk())
            .setRegisterShutdownHook(false)
            .build()) {
      rt.client().send(queue, new Ping("p"));
      rt.start(JobConsumer.of(queue, Ping.class, (p, ctx) -> seen.complete(ctx.sentAt())));
      Optional<Instant> sentAt = seen.get(30, TimeUnit.SECONDS);
      assertThat(sentAt).isPresent();
      assertThat(sentAt.get()).isBetween(before.minusSeconds(2), Instant.now().plusSeconds(2));
    } finally {
      transport.close();
    }
    assertThat(histogramMax(queue)).isCloseTo(90.0, within(10.0));
    assertThat(spanValue()).isBetween(89_000L, 100_000L);
  }

  private static void deleteRabbitQueue(String queue) throws Exception {
    ConnectionFactory cf = new ConnectionFactory();
    cf.setUri(URL);
    try (Connection c = cf.newConnection("jc-test-raw");
        Channel ch = c.createChannel()) {
      ch.queueDelete(queue);
      ch.queueDelete(queue + "-dlq");
    }
  }
}
