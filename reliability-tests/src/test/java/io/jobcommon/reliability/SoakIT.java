package io.jobcommon.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.Dispatcher;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.JobContext;
import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.tracing.MessagingTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The soak mode: never part of {@code verify} (tag {@code soak}, excluded by the module's pom).
 * Publishes at a fixed rate through the traced client and consumes with a Dispatcher for N minutes,
 * printing heap, threads and in-flight counts every 10 s, then checks that every confirmed message
 * was handled and that threads did not pile up. Run:
 *
 * <pre>
 * mvn -B -pl reliability-tests -am verify -Dreliability.excludedGroups= -Dit.test=SoakIT \
 *   -Dfailsafe.failIfNoSpecifiedTests=false -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dsoak.minutes=10 -Dsoak.rate=500 -Dsoak.broker=rabbitmq   # or sqs
 * </pre>
 */
@ReliabilityTest
@Tag("soak")
class SoakIT {
  private static final Logger log = LoggerFactory.getLogger(SoakIT.class);
  private static RabbitBroker rabbit;
  private static SqsBroker sqs;

  @BeforeAll
  static void setUp(RabbitBroker r, SqsBroker s) {
    rabbit = r;
    sqs = s;
  }

  @Test
  void soak() throws Exception {
    double minutes = Double.parseDouble(System.getProperty("soak.minutes", "1"));
    int rate = Integer.parseInt(System.getProperty("soak.rate", "200"));
    String broker = System.getProperty("soak.broker", "rabbitmq");
    Duration run = Duration.ofMillis((long) (minutes * 60_000));
    String queue = RabbitBroker.queue("soak");
    AtomicLong sent = new AtomicLong();
    AtomicLong confirmed = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong handled = new AtomicLong();
    AtomicLong exported = new AtomicLong();
    Set<String> unhandled = ConcurrentHashMap.newKeySet();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    int threadsAtStart = threads.getThreadCount();

    SpanExporter counting =
        new SpanExporter() {
          @Override
          public CompletableResultCode export(Collection<SpanData> spans) {
            exported.addAndGet(spans.size());
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
          }
        };
    ScheduledExecutorService producer = Executors.newSingleThreadScheduledExecutor();
    ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor();
    try (OpenTelemetrySdk otel =
            OpenTelemetrySdk.builder()
                .setTracerProvider(
                    SdkTracerProvider.builder()
                        .addSpanProcessor(BatchSpanProcessor.builder(counting).build())
                        .build())
                .build();
        Transport raw =
            broker.equals("sqs") ? sqs.transport().build() : rabbit.transport().build()) {
      Transport transport = MessagingTelemetry.create(otel).wrap(raw);
      MessageClient client = MessageClient.create(transport);
      Dispatcher dispatcher = Dispatcher.builder(transport).build();
      dispatcher.start(
          new JobConsumer<Job>(queue) {
            @Override
            protected void handle(Job job, JobContext ctx) {
              if (unhandled.remove(job.id())) {
                handled.incrementAndGet();
              }
            }

            @Override
            public ConsumerOptions options() {
              return ConsumerOptions.builder().setConcurrency(8).setPrefetch(32).build();
            }
          });
      long start = System.nanoTime();
      int perTick = Math.max(1, rate / 100);
      producer.scheduleAtFixedRate(
          () -> {
            for (int i = 0; i < perTick; i++) {
              long n = sent.incrementAndGet();
              String id = "soak-" + n;
              unhandled.add(id);
              client
                  .sendAsync(queue, new Job(id, (int) n))
                  .whenComplete(
                      (mid, e) -> {
                        if (e == null) {
                          confirmed.incrementAndGet();
                        } else {
                          failed.incrementAndGet();
                          unhandled.remove(id);
                        }
                      });
            }
          },
          0,
          10,
          TimeUnit.MILLISECONDS);
      reporter.scheduleAtFixedRate(
          () -> {
            Runtime rt = Runtime.getRuntime();
            String line =
                String.format(
                    "SOAK %s t=%ds sent=%d confirmed=%d failed=%d handled=%d"
                        + " in_flight_sends=%d backlog=%d heap_used=%dMiB heap_committed=%dMiB"
                        + " threads=%d spans_exported=%d",
                    broker,
                    (System.nanoTime() - start) / 1_000_000_000L,
                    sent.get(),
                    confirmed.get(),
                    failed.get(),
                    handled.get(),
                    sent.get() - confirmed.get() - failed.get(),
                    confirmed.get() - handled.get(),
                    memory.getHeapMemoryUsage().getUsed() >> 20,
                    rt.totalMemory() >> 20,
                    threads.getThreadCount(),
                    exported.get());
            System.out.println(line);
            log.info(line);
          },
          10,
          10,
          TimeUnit.SECONDS);
      await().pollDelay(run).atMost(run.plusSeconds(30)).until(() -> true);
      producer.shutdown();
      assertThat(producer.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> confirmed.get() + failed.get() == sent.get() && unhandled.isEmpty());
      dispatcher.close();
      reporter.shutdownNow();
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("minutes", minutes);
      figures.put("rate_per_s", rate);
      figures.put("sent", sent.get());
      figures.put("confirmed", confirmed.get());
      figures.put("failed", failed.get());
      figures.put("handled", handled.get());
      figures.put("lost", confirmed.get() - handled.get());
      figures.put("threads_start", threadsAtStart);
      figures.put("threads_end", threads.getThreadCount());
      figures.put("heap_used_mib_end", memory.getHeapMemoryUsage().getUsed() >> 20);
      Figures.record("soak " + broker, figures);
      assertThat(handled.get()).isEqualTo(confirmed.get());
      assertThat(threads.getThreadCount()).isLessThan(threadsAtStart + 50);
    } finally {
      producer.shutdownNow();
      reporter.shutdownNow();
      rabbit.deleteQueue(queue);
    }
  }
}
