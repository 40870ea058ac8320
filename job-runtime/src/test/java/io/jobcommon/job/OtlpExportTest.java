package io.jobcommon.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.messaging.JobConsumer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The autoconfigured SDK exports through the real OTLP/HTTP exporter to a real receiver: spans are
 * there when runScheduled returns, with the resource from SERVICE_NAME/ENV/VERSION, and the SDK's
 * own span-processor and exporter metrics are exported with the rest.
 */
class OtlpExportTest {
  private OtlpReceiver receiver;

  record Ping(String id) {}

  @BeforeEach
  void start() throws Exception {
    receiver = new OtlpReceiver();
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  private Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("MESSAGING_BROKER", "in-memory");
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
    env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
    env.put("OTEL_BSP_SCHEDULE_DELAY", "60s"); // only a flush can deliver in time
    env.put("OTEL_METRIC_EXPORT_INTERVAL", "60000");
    env.put("OTEL_LOGS_EXPORTER", "none");
    env.putAll(extra);
    return env;
  }

  @Test
  void spansReachTheCollectorBeforeRunScheduledReturns() {
    try (JobRuntime runtime =
        JobRuntime.builder()
            .setEnvironment(
                env(
                    Map.of(
                        "SERVICE_NAME",
                        "job-daily-vuln-match",
                        "ENV",
                        "staging",
                        "VERSION",
                        "1.4.2")))
            .setRegisterShutdownHook(false)
            .build()) {
      int code =
          runtime.runScheduled(
              "daily-vuln-match",
              ctx -> ctx.client().send("vulnerability-match-queue", new Ping("1")));

      assertThat(code).isZero();
      List<OtlpReceiver.ReceivedSpan> spans = receiver.spans(); // no waiting: flushed already
      OtlpReceiver.ReceivedSpan root =
          spans.stream().filter(s -> s.name().equals("daily-vuln-match")).findFirst().orElseThrow();
      assertThat(root.attributes())
          .containsEntry("job.name", "daily-vuln-match")
          .containsEntry("faas.trigger", "timer");
      assertThat(root.resource())
          .containsEntry("service.name", "job-daily-vuln-match")
          .containsEntry("deployment.environment.name", "staging")
          .containsEntry("service.version", "1.4.2");
      assertThat(spans)
          .anySatisfy(
              s -> {
                assertThat(s.name()).isEqualTo("send vulnerability-match-queue");
                assertThat(s.traceId()).isEqualTo(root.traceId());
                assertThat(s.parentSpanId()).isEqualTo(root.spanId());
              });
      assertThat(runtime.telemetrySummary()).startsWith("2 spans exported, 0 dropped");
    }
  }

  @Test
  void otelVariablesWinOverServiceNameEnvAndVersion() {
    try (JobRuntime runtime =
        JobRuntime.builder()
            .setEnvironment(
                env(
                    Map.of(
                        "SERVICE_NAME", "from-service-name",
                        "ENV", "staging",
                        "OTEL_SERVICE_NAME", "from-otel",
                        "OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=eu-prod")))
            .setRegisterShutdownHook(false)
            .build()) {
      runtime.runScheduled("nightly", ctx -> {});

      assertThat(receiver.spans().get(0).resource())
          .containsEntry("service.name", "from-otel")
          .containsEntry("deployment.environment.name", "eu-prod");
    }
  }

  @Test
  void theSdksOwnSpanAndExporterMetricsAreExportedWithTheRest() throws Exception {
    CountDownLatch handled = new CountDownLatch(1);
    JobRuntime runtime =
        JobRuntime.builder().setEnvironment(env(Map.of())).setRegisterShutdownHook(false).build();
    runtime.start(JobConsumer.of("pings", Ping.class, (p, ctx) -> handled.countDown()));
    runtime.client().send("pings", new Ping("1"));
    assertThat(handled.await(10, TimeUnit.SECONDS)).isTrue();
    runtime.close(); // drains, flushes spans and metrics

    assertThat(receiver.metricNames())
        .contains(
            "otel.sdk.processor.span.processed",
            "otel.sdk.exporter.span.exported",
            "messaging.client.sent.messages");
  }

  @Test
  void spansTheCollectorRefusesAreCountedAsDropped() {
    receiver.failWith(400); // not retryable: the export fails at once
    try (JobRuntime runtime =
        JobRuntime.builder()
            .setEnvironment(env(Map.of("OTEL_METRICS_EXPORTER", "none")))
            .setRegisterShutdownHook(false)
            .build()) {
      runtime.runScheduled("nightly", ctx -> {});

      assertThat(runtime.telemetrySummary())
          .isEqualTo("0 spans exported, 1 dropped (1 in failed exports)");
    }
  }

  @Test
  void withKeepErrorsAFailedRunIsExportedEvenWhenItsTraceWasNotSampled() {
    Map<String, String> neverSample =
        Map.of(
            "OTEL_TRACES_SAMPLER", "traceidratio",
            "OTEL_TRACES_SAMPLER_ARG", "0",
            "OTEL_METRICS_EXPORTER", "none",
            "JOB_TRACES_KEEP_ERRORS", "true");
    try (JobRuntime runtime =
        JobRuntime.builder()
            .setEnvironment(env(neverSample))
            .setRegisterShutdownHook(false)
            .build()) {
      assertThat(runtime.runScheduled("fine", ctx -> {})).isZero();
      int code =
          runtime.runScheduled(
              "broken",
              ctx -> {
                throw new IllegalStateException("vulnerability feed unreachable");
              });

      assertThat(code).isEqualTo(1);
      assertThat(receiver.spans())
          .singleElement()
          .satisfies(s -> assertThat(s.name()).isEqualTo("broken"));
    }
  }

  @Test
  void withoutKeepErrorsAnUnsampledFailedRunIsNotExported() {
    try (JobRuntime runtime =
        JobRuntime.builder()
            .setEnvironment(
                env(
                    Map.of(
                        "OTEL_TRACES_SAMPLER", "traceidratio",
                        "OTEL_TRACES_SAMPLER_ARG", "0",
                        "OTEL_METRICS_EXPORTER", "none")))
            .setRegisterShutdownHook(false)
            .build()) {
      int code =
          runtime.runScheduled(
              "broken",
              ctx -> {
                throw new IllegalStateException("vulnerability feed unreachable");
              });

      assertThat(code).isEqualTo(1);
      assertThat(receiver.spans()).isEmpty();
    }
  }
}
