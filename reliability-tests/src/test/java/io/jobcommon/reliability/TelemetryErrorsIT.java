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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker whose OpenTelemetry collector refuses connections handles messages (so spans and metrics
 * are exported, and fail, all along) and is stopped with SIGTERM. The SDK's own {@code
 * java.util.logging} complaints go through SLF4J like every other line of the worker: no {@code
 * SEVERE:} block in the JDK's console format, no stack trace, one line per failure kind however
 * many exports failed.
 */
@ReliabilityTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TelemetryErrorsIT {
  private static SqsBroker sqs;
  private static SqsTransport transport;

  @BeforeAll
  static void connect(SqsBroker broker) {
    sqs = broker;
    transport = broker.transport().build();
  }

  @AfterAll
  static void close() {
    transport.close();
  }

  @Test
  void exporterFailuresAreOneRateLimitedSlf4jLineEach() throws Exception {
    String queue = SqsBroker.queue("otel-errors");
    Path file = Files.createTempFile(ChildJvm.logDir(), "otel-errors", ".handled");
    MessageClient client = MessageClient.create(transport);
    try (DeadCollector collector = DeadCollector.start(DeadCollector.Kind.REFUSING)) {
      Map<String, String> env = new HashMap<>(sqs.childEnv());
      env.put("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint());
      env.put("OTEL_METRIC_EXPORT_INTERVAL", "500");
      env.put("SERVICE_NAME", "otel-errors-worker");
      env.put("JOB_SHUTDOWN_TIMEOUT", "2s");
      env.put("JOB_TELEMETRY_FLUSH_TIMEOUT", "2s");
      int exit;
      String output;
      int handled = 0;
      try (ChildJvm child =
          ChildJvm.start(
              "otel-errors",
              SigtermWorkerMain.class,
              env,
              queue,
              file.toString(),
              "5",
              "4",
              "4",
              "30",
              "2000")) {
        // Keep spans coming until the SDK has reported failed exports for a while.
        long start = System.nanoTime();
        long until = start + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < until || !child.output().contains("Failed to export")) {
          assertThat(System.nanoTime() - start)
              .as("export failures reported within 60 s")
              .isLessThan(Duration.ofSeconds(60).toNanos());
          List<Job> jobs = new ArrayList<>();
          for (int i = 0; i < 20; i++) {
            jobs.add(new Job("e-" + handled + i, i));
          }
          client.sendBatch(queue, jobs);
          handled += jobs.size();
          int expected = handled;
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> HandledLog.done(file).size() >= expected);
        }
        exit = child.terminate(Duration.ofSeconds(60));
        output = child.output();
      }
      assertThat(exit).isEqualTo(JobRuntime.EXIT_OK);
      List<String> lines = output.lines().toList();
      assertThat(lines)
          .as("no java.util.logging console block")
          .noneMatch(l -> l.startsWith("SEVERE:") || l.startsWith("WARNING:"));
      assertThat(lines)
          .as("no stack trace from the exporter")
          .noneMatch(l -> l.matches("\\s+at (io\\.opentelemetry|okhttp3|java\\.net)\\..*"));
      List<String> failures = lines.stream().filter(l -> l.contains("Failed to export")).toList();
      assertThat(failures)
          .as("exporter failures, through SLF4J (logback's format), one line each")
          .isNotEmpty()
          .allMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (ERROR|WARN) .*"));
      assertThat(failures)
          .as("rate-limited: one line per kind (spans, metrics) in the run")
          .hasSizeLessThanOrEqualTo(4);
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("messages_handled", handled);
      figures.put("export_failure_lines", failures.size());
      figures.put("jul_console_blocks", 0);
      Figures.record("telemetry errors, collector REFUSING", figures);
    }
  }
}
