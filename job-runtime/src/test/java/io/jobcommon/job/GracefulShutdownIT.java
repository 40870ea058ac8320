package io.jobcommon.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A worker in a child JVM gets SIGTERM while its handler is mid-way: the handler finishes, the
 * message is acknowledged, the process exits 0 within the shutdown timeout, and its spans reach the
 * OTLP receiver in this JVM.
 */
class GracefulShutdownIT {
  private static final long SHUTDOWN_TIMEOUT_S = 20;

  private OtlpReceiver receiver;
  private Process worker;

  @BeforeEach
  void start() throws Exception {
    receiver = new OtlpReceiver();
  }

  @AfterEach
  void stop() {
    if (worker != null && worker.isAlive()) {
      worker.destroyForcibly();
    }
    receiver.close();
  }

  @Test
  void sigtermDrainsTheRunningHandlerAcksExitsZeroAndExportsSpans() throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                GracefulWorkerMain.class.getName())
            .redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("JOB_"));
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
    env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
    env.put("OTEL_METRICS_EXPORTER", "none");
    env.put("OTEL_LOGS_EXPORTER", "none");
    env.put("SERVICE_NAME", "graceful-worker");
    env.put("JOB_SHUTDOWN_TIMEOUT", SHUTDOWN_TIMEOUT_S + "s");
    worker = pb.start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    List<String> output = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  output.add(line);
                  lines.add(line);
                }
              } catch (java.io.IOException e) {
                // the process ended
              }
            },
            "worker-output");
    reader.setDaemon(true);
    reader.start();

    awaitLine(lines, "HANDLER_STARTED j-1", 60);
    long signalled = System.nanoTime();
    // SIGTERM. Through the handle: Process.destroy() would also close our end of its stdout.
    assertThat(worker.toHandle().destroy()).isTrue();

    assertThat(worker.waitFor(SHUTDOWN_TIMEOUT_S, TimeUnit.SECONDS))
        .as("exited within the shutdown timeout; output:%n%s", String.join("\n", output))
        .isTrue();
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
    reader.join(5_000);
    System.out.println(
        "worker exit "
            + worker.exitValue()
            + " after "
            + tookMs
            + " ms, output:\n"
            + String.join("\n", output));
    assertThat(worker.exitValue()).as("exit code; output:%n%s", String.join("\n", output)).isZero();
    assertThat(tookMs).isLessThan(SHUTDOWN_TIMEOUT_S * 1000);
    assertThat(output)
        .contains("HANDLER_FINISHED j-1", "EXIT 0 pending=0 deadLettered=0")
        .anySatisfy(
            l -> assertThat(l).contains("telemetry shut down: 2 spans exported, 0 dropped"));
    assertThat(receiver.spans())
        .anySatisfy(
            s -> {
              assertThat(s.name()).isEqualTo("process work");
              assertThat(s.attributes()).containsEntry("jc.settlement", "ack");
              assertThat(s.resource()).containsEntry("service.name", "graceful-worker");
            })
        .anySatisfy(s -> assertThat(s.name()).isEqualTo("send work"));
  }

  private static void awaitLine(BlockingQueue<String> lines, String wanted, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      long left = deadline - System.nanoTime();
      String line = lines.poll(Math.max(left, 0), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError("the worker never printed '" + wanted + "'");
      }
      if (line.equals(wanted)) {
        return;
      }
    }
  }
}
