package io.jobcommon.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcommon.job.JobRuntime;
import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.sqs.SqsTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * SIGTERM → exit is bounded by {@code JOB_SHUTDOWN_TIMEOUT + JOB_TELEMETRY_FLUSH_TIMEOUT} in every
 * case, with the OpenTelemetry collector down (its port refusing connections, or accepting them and
 * never answering): an idle worker, a cron run, and a worker whose handlers outlive the shutdown
 * timeout while its consumer keeps the default 30 s shutdown timeout. The busy worker also shows
 * that its received-but-unstarted messages are back on the queue at once after SIGTERM, and that
 * the interrupted handlers' retries reach SQS (the messages are visible again about a second after
 * the deadline, not after their 30 s lease). Workers are child JVMs run the way users run them
 * ({@code JobRuntime.launch}, configured from the environment).
 */
@ReliabilityTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ShutdownBoundsIT {
  static final Duration SHUTDOWN = Duration.ofSeconds(4);
  static final Duration FLUSH = Duration.ofSeconds(2);

  /** Signal delivery, JVM exit and a loaded 2-core machine; far below the old 20 s overruns. */
  static final Duration MARGIN = Duration.ofMillis(2500);

  private static SqsBroker sqs;
  private static SqsTransport transport;
  private static SqsAsyncClient raw;

  @BeforeAll
  static void connect(SqsBroker broker) {
    sqs = broker;
    transport = broker.transport().build();
    raw = broker.client(broker.endpoint());
  }

  @AfterAll
  static void close() {
    transport.close();
    raw.close();
  }

  private static Map<String, String> env(DeadCollector collector) {
    Map<String, String> env = new HashMap<>(sqs.childEnv());
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint());
    env.put("SERVICE_NAME", "bounded-worker");
    env.put("JOB_SHUTDOWN_TIMEOUT", SHUTDOWN.toMillis() + "ms");
    env.put("JOB_TELEMETRY_FLUSH_TIMEOUT", FLUSH.toMillis() + "ms");
    return env;
  }

  @ParameterizedTest
  @EnumSource(DeadCollector.Kind.class)
  void anIdleWorkerExitsWithinTheBound(DeadCollector.Kind kind) throws Exception {
    String queue = SqsBroker.queue("bounds-idle");
    List<Job> jobs = List.of(new Job("i-1", 1), new Job("i-2", 2), new Job("i-3", 3));
    MessageClient.create(transport).sendBatch(queue, jobs);
    Path file = Files.createTempFile(ChildJvm.logDir(), "bounds-idle", ".handled");
    try (DeadCollector collector = DeadCollector.start(kind);
        ChildJvm child =
            ChildJvm.start(
                "bounds-idle-" + kind.name().toLowerCase(java.util.Locale.ROOT),
                SigtermWorkerMain.class,
                env(collector),
                queue,
                file.toString(),
                "20",
                "4",
                "4",
                "30",
                "30000")) {
      // A few messages handled, then idle: their spans wait for the dead collector.
      await().atMost(Duration.ofSeconds(60)).until(() -> HandledLog.done(file).size() == 3);
      await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> true);
      long signalled = System.nanoTime();
      int exit = child.terminate(Duration.ofSeconds(60));
      long exitMs = (System.nanoTime() - signalled) / 1_000_000;
      assertThat(exit).as("exit code").isEqualTo(JobRuntime.EXIT_OK);
      assertThat(exitMs)
          .as("SIGTERM → exit (ms) with the collector %s", kind)
          .isLessThan(SHUTDOWN.plus(FLUSH).plus(MARGIN).toMillis());
      record("idle worker, collector " + kind, exitMs, Map.of());
    }
  }

  @Test
  void aCronRunExitsWithinItsJobAndTheFlushBudget() throws Exception {
    String queue = SqsBroker.queue("bounds-cron");
    try (DeadCollector collector = DeadCollector.start(DeadCollector.Kind.BLACKHOLE);
        ChildJvm child =
            ChildJvm.start("bounds-cron", CronMain.class, env(collector), queue, "90")) {
      int exit = child.await(Duration.ofSeconds(90));
      long exitedAt = System.currentTimeMillis();
      assertThat(exit).as("exit code").isEqualTo(JobRuntime.EXIT_OK);
      String done =
          child.output().lines().filter(l -> l.startsWith("JOB_DONE ")).findFirst().orElseThrow();
      long afterJob = exitedAt - Long.parseLong(done.substring("JOB_DONE ".length()).trim());
      assertThat(afterJob)
          .as("end of the job → exit (ms), collector blackholed")
          .isLessThan(FLUSH.plus(MARGIN).toMillis());
      record("cron run of 90 ms, collector BLACKHOLE", afterJob, Map.of());
    }
  }

  @Test
  void aBusyWorkerWithDefaultConsumerOptionsExitsWithinTheBoundAndGivesEverythingBack()
      throws Exception {
    String queue = SqsBroker.queue("bounds-busy");
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      jobs.add(new Job("busy-" + i, i));
    }
    MessageClient.create(transport).sendBatch(queue, jobs);
    String url = raw.getQueueUrl(b -> b.queueName(queue)).join().queueUrl();
    Path file = Files.createTempFile(ChildJvm.logDir(), "bounds-busy", ".handled");
    try (DeadCollector collector = DeadCollector.start(DeadCollector.Kind.BLACKHOLE);
        ChildJvm child =
            ChildJvm.start(
                "bounds-busy",
                SigtermWorkerMain.class,
                env(collector),
                queue,
                file.toString(),
                "60000", // handlers far longer than the shutdown timeout
                "4",
                "4",
                "30", // a 30 s lease: a message back sooner was given back by the worker
                "30000")) { // the consumer's default shutdown timeout, longer than the runtime's
      await().atMost(Duration.ofSeconds(60)).until(() -> HandledLog.started(file).size() >= 4);
      await().atMost(Duration.ofSeconds(10)).until(() -> visible(url) == 8); // 4 run, 4 wait
      AtomicLong unstartedBack = new AtomicLong();
      AtomicLong allBack = new AtomicLong();
      long signalled = System.nanoTime();
      child.signalTerminate();
      await()
          .atMost(Duration.ofSeconds(45)) // a message left to its lease is back after 30 s
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                int n = visible(url);
                long t = (System.nanoTime() - signalled) / 1_000_000;
                if (n >= 12) {
                  unstartedBack.compareAndSet(0, t);
                }
                if (n == 16) {
                  allBack.set(t);
                  return true;
                }
                return false;
              });
      int exit = child.await(Duration.ofSeconds(60));
      long exitMs = (System.nanoTime() - signalled) / 1_000_000;
      assertThat(exit).as("exit code: handlers were cut off").isEqualTo(JobRuntime.EXIT_FAILURE);
      assertThat(HandledLog.done(file)).as("no handler could finish").isEmpty();
      assertThat(exitMs)
          .as("SIGTERM → exit (ms)")
          .isLessThan(SHUTDOWN.plus(FLUSH).plus(MARGIN).toMillis());
      assertThat(unstartedBack.get())
          .as("SIGTERM → the 4 unstarted messages visible again (ms)")
          .isLessThan(1500);
      assertThat(allBack.get())
          .as("SIGTERM → the 4 interrupted messages visible again (ms), lease 30 s")
          .isLessThan(SHUTDOWN.plusSeconds(2).toMillis());
      Map<String, Object> more = new LinkedHashMap<>();
      more.put("sigterm_to_unstarted_back_ms", unstartedBack.get());
      more.put("sigterm_to_interrupted_back_ms", allBack.get());
      record("busy worker, consumer shutdown 30 s, collector BLACKHOLE", exitMs, more);
    }
  }

  private static int visible(String url) {
    return Integer.parseInt(
        raw.getQueueAttributes(
                b ->
                    b.queueUrl(url)
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
            .join()
            .attributes()
            .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
  }

  private static void record(String scenario, long exitMs, Map<String, Object> more) {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("job_shutdown_timeout_ms", SHUTDOWN.toMillis());
    figures.put("job_telemetry_flush_timeout_ms", FLUSH.toMillis());
    figures.put("exit_ms", exitMs);
    figures.putAll(more);
    Figures.record("shutdown bound: " + scenario, figures);
  }
}
