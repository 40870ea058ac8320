package io.jobcommon.job;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.testing.InMemoryTransport;
import io.opentelemetry.api.trace.Span;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code OTEL_LOGS_EXPORTER=otlp} exports the application's log records over OTLP, each with the
 * trace and span ids of the handler's process span; without it nothing is attached.
 */
class LogExportTest {
  private static final Logger log = LoggerFactory.getLogger(LogExportTest.class);

  record Job(String id) {}

  @Test
  void aHandlersLogRecordReachesTheCollectorWithItsTraceAndSpanIds() throws Exception {
    CompletableFuture<String> ids = new CompletableFuture<>();
    InMemoryTransport broker = InMemoryTransport.create();
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      try (JobRuntime runtime =
          JobRuntime.builder()
              .setTransport(broker)
              .setEnvironment(
                  Map.of(
                      "OTEL_LOGS_EXPORTER", "otlp",
                      "OTEL_TRACES_EXPORTER", "none",
                      "OTEL_METRICS_EXPORTER", "none",
                      "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint()))
              .setRegisterShutdownHook(false)
              .build()) {
        assertThat(rootAppender()).isTrue();
        runtime.start(
            JobConsumer.of(
                "logged",
                Job.class,
                (job, ctx) -> {
                  log.info("handled {}", job.id());
                  var span = Span.current().getSpanContext();
                  ids.complete(span.getTraceId() + "/" + span.getSpanId());
                }));
        runtime.client().send("logged", new Job("j-1"));
        broker.awaitIdle(Duration.ofSeconds(10));
      } // close flushes the logs
      assertThat(rootAppender()).as("detached at close").isFalse();

      String[] expected = ids.get(10, TimeUnit.SECONDS).split("/");
      assertThat(receiver.logs())
          .filteredOn(l -> l.body().equals("handled j-1"))
          .singleElement()
          .satisfies(
              l -> {
                assertThat(l.traceId()).isEqualTo(expected[0]);
                assertThat(l.spanId()).isEqualTo(expected[1]);
                assertThat(l.severity()).isEqualTo("INFO");
              });
    } finally {
      broker.close();
    }
  }

  @Test
  void withoutALogsExporterNothingIsAttached() {
    try (JobRuntime runtime =
        JobRuntime.builder()
            .setTransport(InMemoryTransport.create())
            .setEnvironment(Map.of())
            .setRegisterShutdownHook(false)
            .build()) {
      assertThat(rootAppender()).isFalse();
      assertThat(runtime.isHealthy()).isTrue();
    }
    assertThat(LogExport.logsExported(Map.of("OTEL_LOGS_EXPORTER", "none"))).isFalse();
    assertThat(LogExport.logsExported(Map.of("OTEL_LOGS_EXPORTER", "otlp"))).isTrue();
  }

  private static boolean rootAppender() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    return context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(LogBridge.APPENDER_NAME) != null;
  }
}
