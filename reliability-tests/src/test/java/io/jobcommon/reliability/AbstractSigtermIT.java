package io.jobcommon.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcommon.job.JobRuntime;
import io.jobcommon.job.OtlpReceiver;
import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.Dispatcher;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.JobContext;
import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.spi.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM reaches a worker in a child JVM ({@link SigtermWorkerMain}: {@code JobRuntime.run}) while
 * four long handlers run and more messages wait in its prefetch:
 *
 * <ul>
 *   <li>with a shutdown timeout longer than the handlers, the running handlers finish and are
 *       acknowledged, the process exits 0, and their process spans (settlement {@code ack}) reach
 *       an OTLP/HTTP receiver in this JVM;
 *   <li>with a shutdown timeout shorter than the handlers (JOB_SHUTDOWN_TIMEOUT and the consumer's
 *       own shutdown timeout both 1 s), they are interrupted at the deadline, fail, and their
 *       messages go back to the queue through the retry path; the process exits 1; their process
 *       spans (settlement {@code retry}) are exported too.
 * </ul>
 *
 * Either way a worker in this JVM then drains the queue: every message was handled once by one of
 * the two, nothing is lost.
 */
abstract class AbstractSigtermIT {
  static final int MESSAGES = 16;
  private static final int CONCURRENCY = 4;

  abstract String broker();

  /** The child's broker settings, in the job runtime's variables. */
  abstract Map<String, String> brokerEnv();

  /** A client in this JVM on the same broker. */
  abstract MessageClient client();

  /** A transport in this JVM on the same broker, for the draining worker. */
  abstract Transport drainTransport();

  abstract String newQueue();

  /** The consumer's lease: how soon SQS redelivers what the child left unsettled. */
  abstract int leaseSeconds();

  @Test
  void runningHandlersFinishBeforeTheWorkerExits() throws Exception {
    scenario(Duration.ofSeconds(3), Duration.ofSeconds(20), true);
  }

  @Test
  void handlersStillRunningAtTheDeadlineGiveTheirMessagesBack() throws Exception {
    scenario(Duration.ofSeconds(60), Duration.ofSeconds(1), false);
  }

  private void scenario(Duration work, Duration shutdownTimeout, boolean finish) throws Exception {
    String queue = newQueue();
    List<Job> jobs = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < MESSAGES; i++) {
      jobs.add(new Job("sig-" + i, i));
      ids.add("sig-" + i);
    }
    client().sendBatch(queue, jobs);
    String mode = finish ? "finish" : "cutoff";
    Path file =
        Files.createTempFile(ChildJvm.logDir(), "sigterm-" + broker() + "-" + mode, ".handled");

    try (OtlpReceiver receiver = new OtlpReceiver()) {
      Map<String, String> env = new HashMap<>(brokerEnv());
      env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
      env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
      env.put("OTEL_METRICS_EXPORTER", "none");
      env.put("OTEL_LOGS_EXPORTER", "none");
      env.put("SERVICE_NAME", "sigterm-worker");
      env.put("JOB_SHUTDOWN_TIMEOUT", shutdownTimeout.toMillis() + "ms");
      env.put("RABBITMQ_DELAY_TIERS", "1s,2s");
      long signalled;
      int exit;
      try (ChildJvm child =
          ChildJvm.start(
              "sigterm-" + broker() + "-" + mode,
              SigtermWorkerMain.class,
              env,
              queue,
              file.toString(),
              Long.toString(work.toMillis()),
              Integer.toString(CONCURRENCY),
              "4",
              Integer.toString(leaseSeconds()),
              Long.toString(finish ? 60_000 : shutdownTimeout.toMillis()))) {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> HandledLog.started(file).size() >= CONCURRENCY);
        signalled = System.nanoTime();
        exit = child.terminate(shutdownTimeout.plusSeconds(30));
        assertThat(child.output()).contains("EXIT " + exit);
      }
      long exitMs = (System.nanoTime() - signalled) / 1_000_000;
      Set<String> started = new HashSet<>(HandledLog.started(file));
      Set<String> done = new HashSet<>(HandledLog.done(file));
      assertThat(started).as("handlers running at SIGTERM").hasSize(CONCURRENCY);
      if (finish) {
        assertThat(exit).as("exit code").isEqualTo(JobRuntime.EXIT_OK);
        assertThat(done).as("every running handler finished").isEqualTo(started);
        assertThat(exitMs).isLessThan(shutdownTimeout.toMillis() + 10_000);
      } else {
        assertThat(exit).as("exit code").isEqualTo(JobRuntime.EXIT_FAILURE);
        assertThat(done).as("no handler could finish").isEmpty();
      }
      String processSpan = "process " + queue;
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(receiver.spans().stream().filter(s -> s.name().equals(processSpan)))
                      .as("process spans exported before the exit")
                      .hasSizeGreaterThanOrEqualTo(CONCURRENCY));
      String settlement = finish ? "ack" : "retry";
      assertThat(
              receiver.spans().stream()
                  .filter(s -> s.name().equals(processSpan))
                  .filter(s -> settlement.equals(s.attributes().get("jc.settlement"))))
          .as("process spans settled with %s", settlement)
          .hasSize(CONCURRENCY);

      Map<String, AtomicInteger> drained = new ConcurrentHashMap<>();
      long drainStart = System.nanoTime();
      try (Dispatcher drain = Dispatcher.builder(drainTransport()).build()) {
        drain.start(
            new JobConsumer<Job>(queue) {
              @Override
              protected void handle(Job job, JobContext ctx) {
                drained.computeIfAbsent(job.id(), k -> new AtomicInteger()).incrementAndGet();
              }

              @Override
              public ConsumerOptions options() {
                return ConsumerOptions.builder().setConcurrency(4).setPrefetch(4).build();
              }
            });
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  Set<String> all = new HashSet<>(done);
                  all.addAll(drained.keySet());
                  assertThat(all)
                      .as("handled by the stopped worker or the next one")
                      .isEqualTo(ids);
                });
      }
      long drainedMs = (System.nanoTime() - drainStart) / 1_000_000;
      Set<String> twice = new HashSet<>(done);
      twice.retainAll(drained.keySet());
      assertThat(twice).as("finished and acked before the exit, so never redelivered").isEmpty();

      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("sent", MESSAGES);
      figures.put("in_flight_at_sigterm", started.size());
      figures.put("finished_before_exit", done.size());
      figures.put("handled_after_restart", drained.size());
      figures.put("duplicates", twice.size());
      figures.put("lost", 0);
      figures.put("exit_code", exit);
      figures.put("sigterm_to_exit_ms", exitMs);
      figures.put("spans_exported", receiver.spans().size());
      figures.put("restart_to_drained_ms", drainedMs);
      Figures.record(
          "sigterm "
              + broker()
              + " (handlers "
              + work.toSeconds()
              + " s, shutdown timeout "
              + shutdownTimeout.toSeconds()
              + " s)",
          figures);
    }
  }
}
