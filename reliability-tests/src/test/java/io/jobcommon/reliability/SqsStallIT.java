package io.jobcommon.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.Dispatcher;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.JobContext;
import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.sqs.SqsTransport;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SQS endpoint stops answering (a TCP proxy in front of ElasticMQ swallows everything in both
 * directions but keeps connections open: nothing fails, nothing completes) while a producer sends
 * every 200 ms and a worker consumes. The transport notices within its stall timeout: {@code
 * isHealthy()} turns false and one WARN says so; when the endpoint answers again it turns true with
 * one INFO, and consuming resumes.
 */
@ReliabilityTest
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SqsStallIT {
  private static final Duration STALL_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration FROZEN = Duration.ofSeconds(6);
  private static SqsBroker sqs;

  @BeforeAll
  static void setUp(SqsBroker broker) {
    sqs = broker;
  }

  @Test
  void aSilentEndpointIsNoticedWithinTheStallTimeoutAndItsRecoveryToo() throws Exception {
    String queue = SqsBroker.queue("stall");
    Map<String, Long> consumedAt = new ConcurrentHashMap<>();
    AtomicInteger seq = new AtomicInteger();
    ScheduledExecutorService producer = Executors.newSingleThreadScheduledExecutor();
    try (TcpProxy proxy = TcpProxy.start(sqs.port());
        LogCapture logs = LogCapture.start();
        SqsTransport transport =
            sqs.transport(URI.create("http://127.0.0.1:" + proxy.port()))
                .setStallTimeout(STALL_TIMEOUT)
                .build();
        Dispatcher dispatcher = Dispatcher.builder(transport).build()) {
      MessageClient messages = MessageClient.create(transport);
      dispatcher.start(
          new JobConsumer<Job>(queue) {
            @Override
            protected void handle(Job job, JobContext ctx) {
              consumedAt.putIfAbsent(job.id(), System.nanoTime());
            }

            @Override
            public ConsumerOptions options() {
              return ConsumerOptions.builder().setConcurrency(2).setPrefetch(4).build();
            }
          });
      producer.scheduleAtFixedRate(
          () -> {
            int n = seq.getAndIncrement();
            messages.sendAsync(queue, new Job("s-" + n, n));
          },
          0,
          200,
          TimeUnit.MILLISECONDS);
      await().atMost(Duration.ofSeconds(30)).until(() -> consumedAt.size() >= 5);
      assertThat(transport.isHealthy()).isTrue();

      proxy.blackhole();
      long frozenAt = System.nanoTime();
      await()
          .atMost(STALL_TIMEOUT.plusSeconds(8))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> !transport.isHealthy());
      long detectedMs = (System.nanoTime() - frozenAt) / 1_000_000;
      await().pollDelay(FROZEN).atMost(FROZEN.plusSeconds(5)).until(() -> true);
      assertThat(transport.isHealthy()).as("still frozen: still unhealthy").isFalse();

      proxy.heal();
      long healedAt = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(transport::isHealthy);
      long recoveredMs = (System.nanoTime() - healedAt) / 1_000_000;
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> consumedAt.values().stream().anyMatch(t -> t > healedAt));
      producer.shutdownNow();

      assertThat(detectedMs)
          .as("blackhole → unhealthy (ms), stall timeout %s", STALL_TIMEOUT)
          .isLessThan(STALL_TIMEOUT.plusSeconds(3).toMillis());
      assertThat(
              logs.events(
                  e ->
                      e.getLevel() == Level.WARN
                          && e.getFormattedMessage().startsWith("SQS has not answered")))
          .as("one WARN for the stall")
          .hasSize(1);
      assertThat(
              logs.events(
                  e ->
                      e.getLevel() == Level.INFO
                          && e.getFormattedMessage().startsWith("SQS answers again")))
          .as("one INFO for the recovery")
          .hasSize(1);

      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("stall_timeout_ms", STALL_TIMEOUT.toMillis());
      figures.put("frozen_to_unhealthy_ms", detectedMs);
      figures.put("healed_to_healthy_ms", recoveredMs);
      Figures.record("sqs endpoint stalled (blackhole)", figures);
    } finally {
      producer.shutdownNow();
    }
  }
}
