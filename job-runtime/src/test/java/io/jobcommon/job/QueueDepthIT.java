package io.jobcommon.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.JobContext;
import io.jobcommon.messaging.sqs.ElasticMq;
import io.jobcommon.testfixtures.InMemoryTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The {@code jc.queue.messages} gauges read known counts on both brokers (a queue holding 7
 * messages, one of them in the handler, and a dead-letter queue holding 3), polled without creating
 * a span; readiness and liveness answer separately.
 */
class QueueDepthIT {
  @RegisterExtension static final ElasticMq sqs = new ElasticMq();

  private static final String URL =
      System.getenv().getOrDefault("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/%2F");

  record Ping(String id) {}

  private final CountDownLatch holding = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final InMemoryTelemetry otel = new InMemoryTelemetry();

  @AfterEach
  void tearDown() {
    release.countDown();
    otel.close();
  }

  /** A consumer that holds its first message until the test ends: one in flight at a time. */
  private JobConsumer<Ping> holdingConsumer(String queue) {
    return new JobConsumer<>(queue) {
      @Override
      protected void handle(Ping payload, JobContext ctx) throws Exception {
        holding.countDown();
        release.await(60, TimeUnit.SECONDS);
      }

      @Override
      public ConsumerOptions options() {
        return ConsumerOptions.builder().setConcurrency(1).setPrefetch(0).build();
      }
    };
  }

  private Map<String, Long> gauges(String system) {
    Map<String, Long> out = new HashMap<>();
    otel.metrics().stream()
        .filter(m -> m.getName().equals("jc.queue.messages"))
        .flatMap(m -> m.getLongGaugeData().getPoints().stream())
        .forEach(
            (LongPointData p) -> {
              assertThat(p.getAttributes().get(AttributeKey.stringKey("messaging.system")))
                  .isEqualTo(system);
              out.put(
                  p.getAttributes().get(AttributeKey.stringKey("messaging.destination.name"))
                      + "/"
                      + p.getAttributes().get(AttributeKey.stringKey("jc.queue.state")),
                  p.getValue());
            });
    return out;
  }

  private Map<String, Long> pollWhileHolding(JobRuntime rt, String queue, String system)
      throws Exception {
    rt.start(holdingConsumer(queue));
    assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
    otel.resetSpans();
    assertThat(rt.depthGauges()).isNotNull();
    rt.depthGauges().poll();
    assertThat(otel.spans()).as("polling creates no span").isEmpty();
    return gauges(system);
  }

  @Test
  void rabbitMqReadyCountsAndProbes() throws Exception {
    String queue = "jc-depth-" + UUID.randomUUID().toString().substring(0, 8);
    ConnectionFactory cf = new ConnectionFactory();
    cf.setUri(URL);
    try (Connection c = cf.newConnection("jc-test-raw");
        Channel ch = c.createChannel()) {
      ch.queueDeclare(queue, true, false, false, Map.of());
      ch.queueDeclare(queue + "-dlq", true, false, false, Map.of());
      for (int i = 0; i < 7; i++) {
        ch.basicPublish("", queue, null, "{\"id\":\"p\"}".getBytes(StandardCharsets.UTF_8));
      }
      for (int i = 0; i < 3; i++) {
        ch.basicPublish("", queue + "-dlq", null, "{}".getBytes(StandardCharsets.UTF_8));
      }
      try (JobRuntime rt =
          JobRuntime.builder()
              .setEnvironment(
                  ConfigurationTest.quiet(
                      Map.of(
                          "MESSAGING_BROKER", "rabbitmq",
                          "RABBITMQ_URL", URL,
                          "JOB_QUEUE_DEPTH_INTERVAL", "1h")))
              .setOpenTelemetry(otel.sdk())
              .setHealthPort(0)
              .setRegisterShutdownHook(false)
              .build()) {
        Map<String, Long> g = pollWhileHolding(rt, queue, "rabbitmq");
        assertThat(g)
            .containsEntry(queue + "/ready", 6L)
            .containsEntry(queue + "-dlq/ready", 3L)
            .doesNotContainKey(queue + "/in_flight"); // AMQP cannot tell
        HttpClient http = HttpClient.newHttpClient();
        int port = rt.healthPort().getAsInt();
        assertThat(status(http, port, "/health/ready")).isEqualTo(200);
        assertThat(status(http, port, "/health/live")).isEqualTo(200);
        release.countDown();
      } finally {
        ch.queueDelete(queue);
        ch.queueDelete(queue + "-dlq");
      }
    }
  }

  @Test
  void sqsVisibleInFlightAndDelayedCounts() throws Exception {
    String queue = "jc-depth-" + UUID.randomUUID().toString().substring(0, 8);
    try (SqsAsyncClient client = sqs.client()) {
      String url = client.createQueue(b -> b.queueName(queue)).join().queueUrl();
      String dlq = client.createQueue(b -> b.queueName(queue + "-dlq")).join().queueUrl();
      for (int i = 0; i < 7; i++) {
        client.sendMessage(b -> b.queueUrl(url).messageBody("{\"id\":\"p\"}")).join();
      }
      for (int i = 0; i < 3; i++) {
        client.sendMessage(b -> b.queueUrl(dlq).messageBody("{}")).join();
      }
      client.sendMessage(b -> b.queueUrl(dlq).messageBody("{}").delaySeconds(600)).join();
      Map<String, String> env = new HashMap<>();
      env.put("MESSAGING_BROKER", "sqs");
      env.put("AWS_REGION", "eu-west-1");
      env.put("SQS_ENDPOINT", sqs.endpoint().toString());
      env.put("AWS_ACCESS_KEY_ID", "test");
      env.put("AWS_SECRET_ACCESS_KEY", "test");
      env.put("JOB_QUEUE_DEPTH_INTERVAL", "1h");
      try (JobRuntime rt =
          JobRuntime.builder()
              .setEnvironment(ConfigurationTest.quiet(env))
              .setOpenTelemetry(otel.sdk())
              .setRegisterShutdownHook(false)
              .build()) {
        Map<String, Long> g = pollWhileHolding(rt, queue, "aws_sqs");
        assertThat(g)
            .containsEntry(queue + "/ready", 6L)
            .containsEntry(queue + "/in_flight", 1L)
            .containsEntry(queue + "/delayed", 0L)
            .containsEntry(queue + "-dlq/ready", 3L)
            .containsEntry(queue + "-dlq/delayed", 1L);
        release.countDown();
      }
    }
  }

  private static int status(HttpClient http, int port, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }
}
