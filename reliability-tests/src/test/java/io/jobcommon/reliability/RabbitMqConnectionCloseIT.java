package io.jobcommon.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.Dispatcher;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.JobContext;
import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.MessagingException;
import io.jobcommon.messaging.SendFailedException;
import io.jobcommon.messaging.rabbitmq.RabbitMqTransport;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.tracing.MessagingTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker closes every connection of the suite's vhost three times during 30 s of publishing
 * (about 500 messages a second) and consuming through {@link MessageClient}, {@link Dispatcher} and
 * tracing. Every confirmed message is consumed; the consumer resumes by itself each time (nothing
 * in the test restarts it); every send completes, and a send that could not be confirmed fails
 * visibly to its caller ({@link MessagingException}) and is counted: none hangs, none is dropped
 * silently. The publish retry window is deliberately short (200 ms) so the failure path is taken.
 */
@ReliabilityTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RabbitMqConnectionCloseIT {
  private static final Logger log = LoggerFactory.getLogger(RabbitMqConnectionCloseIT.class);
  private static final Duration RUN = Duration.ofSeconds(30);
  private static final int PER_TICK = 5; // every 10 ms: 500 messages a second

  private static RabbitBroker rabbit;

  @BeforeAll
  static void setUp(RabbitBroker broker) {
    rabbit = broker;
  }

  @Test
  void threeBrokerSideClosesLoseNoConfirmedMessageAndFailNoSendSilently() throws Exception {
    assumeTrue(rabbit.canInjectFaults(), "needs rabbitmqctl and the suite's own vhost");
    String queue = RabbitBroker.queue("close");
    Set<String> confirmed = ConcurrentHashMap.newKeySet();
    Set<String> failed = ConcurrentHashMap.newKeySet();
    Set<String> notSent = ConcurrentHashMap.newKeySet(); // SendFailedException: never written
    Set<String> consumed = ConcurrentHashMap.newKeySet();
    Set<String> failureTypes = ConcurrentHashMap.newKeySet();
    AtomicInteger deliveries = new AtomicInteger();
    AtomicInteger attempted = new AtomicInteger();
    List<CompletableFuture<String>> sends = new ArrayList<>();
    List<Map<String, Object>> rounds = new ArrayList<>();

    SdkTracerProvider tracer = SdkTracerProvider.builder().build();
    OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(tracer).build();
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    try (RabbitMqTransport rabbitTransport =
            rabbit.transport().setPublishRetryWindow(Duration.ofMillis(200)).build();
        otel) {
      Transport transport = MessagingTelemetry.create(otel).wrap(rabbitTransport);
      MessageClient client = MessageClient.create(transport);
      Dispatcher dispatcher = Dispatcher.builder(transport).build();
      dispatcher.start(
          new JobConsumer<Job>(queue) {
            @Override
            protected void handle(Job job, JobContext ctx) {
              deliveries.incrementAndGet();
              consumed.add(job.id());
            }

            @Override
            public ConsumerOptions options() {
              return ConsumerOptions.builder().setConcurrency(4).setPrefetch(16).build();
            }
          });

      long start = System.nanoTime();
      ticker.scheduleAtFixedRate(
          () -> {
            for (int i = 0; i < PER_TICK; i++) {
              int n = attempted.getAndIncrement();
              String id = "m-" + n;
              CompletableFuture<String> f = client.sendAsync(queue, new Job(id, n));
              synchronized (sends) {
                sends.add(f);
              }
              f.whenComplete(
                  (messageId, error) -> {
                    if (error == null) {
                      confirmed.add(id);
                    } else {
                      failed.add(id);
                      failureTypes.add(unwrap(error).getClass().getSimpleName());
                      if (unwrap(error) instanceof SendFailedException) {
                        notSent.add(id);
                      }
                    }
                  });
            }
          },
          0,
          10,
          TimeUnit.MILLISECONDS);

      for (int round = 1; round <= 3; round++) {
        long at = start + RUN.toNanos() * round / 4;
        await()
            .atMost(RUN)
            .pollInterval(Duration.ofMillis(20))
            .until(() -> System.nanoTime() >= at);
        rabbit.closeAllConnections("reliability suite: round " + round);
        long closed = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> !rabbitTransport.isHealthy());
        await().atMost(Duration.ofSeconds(30)).until(rabbitTransport::isHealthy);
        long healthy = System.nanoTime();
        String probe = "probe-" + round;
        int probeSeq = -round;
        // A message published after the recovery is consumed: the consumer is back by itself.
        AtomicLong probeSent = new AtomicLong();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  if (probeSent.get() == 0) {
                    client.send(queue, new Job(probe, probeSeq));
                    probeSent.set(System.nanoTime());
                  }
                  return consumed.contains(probe);
                });
        long resumed = System.nanoTime();
        assertThat(dispatcher.isRunning()).isTrue();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("round", round);
        r.put("reconnected_ms", (healthy - closed) / 1_000_000);
        r.put("consuming_again_ms", (resumed - closed) / 1_000_000);
        rounds.add(r);
      }
      await()
          .atMost(RUN)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> System.nanoTime() - start >= RUN.toNanos());
      ticker.shutdown();
      assertThat(ticker.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

      List<CompletableFuture<String>> all;
      synchronized (sends) {
        all = List.copyOf(sends);
      }
      // Every send completes one way or the other within the confirm timeout: none is dropped.
      await()
          .atMost(Duration.ofSeconds(45))
          .untilAsserted(() -> assertThat(all.stream().filter(f -> !f.isDone()).count()).isZero());
      assertThat(confirmed.size() + failed.size()).isEqualTo(attempted.get());
      // Each outage lasts at least the recovery interval (500 ms), longer than the retry window.
      assertThat(failed).as("sends during the outages were reported as failed").isNotEmpty();
      for (CompletableFuture<String> f : all) {
        if (f.isCompletedExceptionally()) {
          assertThat(unwrap(f.handle((id, e) -> e).join())).isInstanceOf(MessagingException.class);
        }
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(consumed).containsAll(confirmed));
      dispatcher.close();

      long failedButDelivered = failed.stream().filter(consumed::contains).count();
      // "Not sent" is a promise: only a send whose outcome is unknown may arrive anyway.
      assertThat(notSent.stream().filter(consumed::contains))
          .as("sends reported as not sent (SendFailedException) that were delivered")
          .isEmpty();
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("attempted", attempted.get());
      figures.put("confirmed", confirmed.size());
      figures.put("failed_reported", failed.size());
      figures.put("failed_but_delivered", failedButDelivered);
      figures.put("not_sent", notSent.size());
      figures.put("outcome_unknown", failed.size() - notSent.size());
      figures.put("confirmed_consumed", confirmed.stream().filter(consumed::contains).count());
      figures.put("lost", confirmed.stream().filter(id -> !consumed.contains(id)).count());
      figures.put("deliveries", deliveries.get());
      figures.put("duplicates", deliveries.get() - consumed.size());
      figures.put("failure_types", failureTypes);
      figures.put("rounds", rounds);
      Figures.record("rabbitmq close_all_connections x3", figures);
      log.info("sends that failed were reported with {}", failureTypes);
    } finally {
      ticker.shutdownNow();
      rabbit.deleteQueue(queue);
    }
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}
