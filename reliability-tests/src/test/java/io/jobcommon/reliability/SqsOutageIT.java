package io.jobcommon.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.Dispatcher;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.JobContext;
import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.MessagingException;
import io.jobcommon.messaging.sqs.SqsTransport;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * The SQS endpoint goes away for 8 s (a TCP proxy on 127.0.0.1 in front of ElasticMQ is cut: open
 * connections drop, new ones are refused) while a producer sends every 100 ms and a worker
 * consumes. Sends during the gap fail visibly ({@link MessagingException}), sends after it succeed;
 * the poller backs off (a handful of ReceiveMessage calls during the gap, not a busy loop) and
 * resumes by itself; every confirmed message is consumed.
 */
@ReliabilityTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SqsOutageIT {
  private static final Duration OUTAGE = Duration.ofSeconds(8);
  private static SqsBroker sqs;

  @BeforeAll
  static void setUp(SqsBroker broker) {
    sqs = broker;
  }

  /** Counts ReceiveMessage calls (each is one poll; the SDK's own retries are inside it). */
  private static final class ReceiveCounter implements ExecutionInterceptor {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public void beforeExecution(Context.BeforeExecution c, ExecutionAttributes a) {
      if (c.request() instanceof ReceiveMessageRequest) {
        calls.incrementAndGet();
      }
    }
  }

  @Test
  void pollersBackOffAndRecoverAndSendsDuringTheGapFailVisibly() throws Exception {
    String queue = SqsBroker.queue("outage");
    ReceiveCounter receives = new ReceiveCounter();
    Set<String> confirmed = ConcurrentHashMap.newKeySet();
    Map<String, Long> consumedAt = new ConcurrentHashMap<>();
    AtomicInteger deliveries = new AtomicInteger();
    List<long[]> sendOutcomes = new CopyOnWriteArrayList<>(); // {sentAtNanos, ok ? 1 : 0}
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    AtomicInteger seq = new AtomicInteger();
    ScheduledExecutorService producer = Executors.newSingleThreadScheduledExecutor();

    try (TcpProxy proxy = TcpProxy.start(sqs.port());
        LogCapture logs = LogCapture.start();
        SqsAsyncClient client =
            sqs.client(URI.create("http://127.0.0.1:" + proxy.port()), receives);
        SqsTransport transport =
            SqsTransport.builder().setClient(client).setAutoCreateQueues(true).build();
        Dispatcher dispatcher = Dispatcher.builder(transport).build()) {
      MessageClient messages = MessageClient.create(transport);
      dispatcher.start(
          new JobConsumer<Job>(queue) {
            @Override
            protected void handle(Job job, JobContext ctx) {
              deliveries.incrementAndGet();
              consumedAt.putIfAbsent(job.id(), System.nanoTime());
            }

            @Override
            public ConsumerOptions options() {
              return ConsumerOptions.builder()
                  .setConcurrency(4)
                  .setPrefetch(10)
                  .setLease(Duration.ofSeconds(5))
                  .build();
            }
          });
      producer.scheduleAtFixedRate(
          () -> {
            int n = seq.getAndIncrement();
            String id = "m-" + n;
            long at = System.nanoTime();
            CompletableFuture<String> f = messages.sendAsync(queue, new Job(id, n));
            f.whenComplete(
                (mid, e) -> {
                  sendOutcomes.add(new long[] {at, e == null ? 1 : 0});
                  if (e == null) {
                    confirmed.add(id);
                  } else {
                    failures.add(e instanceof CompletionException ? e.getCause() : e);
                  }
                });
          },
          0,
          100,
          TimeUnit.MILLISECONDS);
      await().atMost(Duration.ofSeconds(30)).until(() -> consumedAt.size() >= 20);

      proxy.cut();
      long cutAt = System.nanoTime();
      int receivesAtCut = receives.calls.get();
      await().pollDelay(OUTAGE).atMost(OUTAGE.plusSeconds(5)).until(() -> true);
      int receivesDuringGap = receives.calls.get() - receivesAtCut;
      proxy.restore();
      long restoredAt = System.nanoTime();

      AtomicLong resumedAt = new AtomicLong();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                long first =
                    consumedAt.values().stream()
                        .filter(t -> t > restoredAt)
                        .min(Long::compare)
                        .orElse(0L);
                resumedAt.set(first);
                return first > 0;
              });
      // Keep producing a few seconds after the endpoint came back.
      await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).until(() -> true);
      producer.shutdown();
      assertThat(producer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      await().atMost(Duration.ofSeconds(60)).until(() -> sendOutcomes.size() == seq.get());
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(consumedAt.keySet()).containsAll(confirmed));

      List<long[]> inGap = new ArrayList<>();
      List<long[]> wellAfter = new ArrayList<>();
      for (long[] o : sendOutcomes) {
        if (o[0] > cutAt + 1_000_000_000L && o[0] < restoredAt - 1_000_000_000L) {
          inGap.add(o);
        } else if (o[0] > restoredAt + 2_000_000_000L) {
          wellAfter.add(o);
        }
      }
      assertThat(inGap).as("sends in the middle of the gap").isNotEmpty();
      assertThat(inGap)
          .as("sends in the middle of the gap fail")
          .allSatisfy(o -> assertThat(o[1]).isZero());
      assertThat(failures).allSatisfy(e -> assertThat(e).isInstanceOf(MessagingException.class));
      assertThat(wellAfter).as("sends after the gap").isNotEmpty();
      assertThat(wellAfter)
          .as("sends after the gap succeed")
          .allSatisfy(o -> assertThat(o[1]).isOne());
      // Backoff 200 ms doubling to 10 s: about 6 polls in 8 s; a busy loop would make hundreds.
      assertThat(receivesDuringGap).as("ReceiveMessage calls during the gap").isBetween(2, 15);
      assertThat(dispatcher.isRunning()).isTrue();
      assertThat(
              logs.events(
                  e ->
                      e.getLevel() == Level.WARN
                          && e.getFormattedMessage().startsWith("receiving from queue " + queue)))
          .as("the poller warns once per outage")
          .hasSize(1);
      assertThat(
              logs.events(
                  e ->
                      e.getFormattedMessage()
                          .startsWith("receiving from queue " + queue + " works again")))
          .hasSize(1);

      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("outage_ms", (restoredAt - cutAt) / 1_000_000);
      figures.put("sent", seq.get());
      figures.put("confirmed", confirmed.size());
      figures.put("failed_reported", failures.size());
      figures.put("consumed", consumedAt.size());
      figures.put("lost", confirmed.stream().filter(id -> !consumedAt.containsKey(id)).count());
      figures.put("duplicates", deliveries.get() - consumedAt.size());
      figures.put("receive_calls_during_outage", receivesDuringGap);
      figures.put("restore_to_first_consumed_ms", (resumedAt.get() - restoredAt) / 1_000_000);
      Figures.record("sqs endpoint outage", figures);
    } finally {
      producer.shutdownNow();
    }
  }
}
