package io.jobcommon.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.testing.InMemoryTransport;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A runtime built for a unit test (the in-memory broker, no exporter configured) exports nothing:
 * no connection to a collector that is not there, no exporter error in the log, nothing to wait for
 * at close. Configuring an exporter still turns export on.
 */
class QuietTestRuntimeTest {
  record Ping(String id) {}

  private final List<LogRecord> sdkWarnings = new CopyOnWriteArrayList<>();
  private final Logger otelLogger = Logger.getLogger("io.opentelemetry");
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            sdkWarnings.add(record);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureSdkLog() {
    otelLogger.addHandler(capture);
  }

  @AfterEach
  void release() {
    otelLogger.removeHandler(capture);
  }

  @Test
  void theInMemoryBrokerWithoutExporterVariablesExportsNothingAndLogsNoExporterError() {
    InMemoryTransport broker = InMemoryTransport.create();
    long started = System.nanoTime();
    String sdk;
    try (JobRuntime runtime =
        JobRuntime.builder()
            .setTransport(broker)
            .setEnvironment(Map.of())
            .setRegisterShutdownHook(false)
            .build()) {
      runtime.start(JobConsumer.of("pings", Ping.class, (p, ctx) -> {}));
      runtime.client().send("pings", new Ping("p-1"));
      broker.awaitIdle(Duration.ofSeconds(10));
      sdk = describe(runtime);
    }
    long millis = (System.nanoTime() - started) / 1_000_000;

    assertThat(sdk).doesNotContain("Otlp").doesNotContain("Prometheus");
    assertThat(sdkWarnings).isEmpty();
    System.out.printf("in-memory runtime: built, one message processed, closed in %d ms%n", millis);
  }

  @Test
  void anExporterVariableStillTurnsExportOnInMemory() {
    try (JobRuntime runtime =
        JobRuntime.builder()
            .setTransport(InMemoryTransport.create())
            .setEnvironment(
                Map.of(
                    "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9",
                    "OTEL_EXPORTER_OTLP_TIMEOUT", "1s",
                    "OTEL_METRICS_EXPORTER", "none"))
            .setRegisterShutdownHook(false)
            .build()) {
      assertThat(describe(runtime)).contains("OtlpHttpSpanExporter");
    }
  }

  private static String describe(JobRuntime runtime) {
    OpenTelemetrySdk sdk = (OpenTelemetrySdk) runtime.openTelemetry();
    return sdk.getSdkTracerProvider()
        + " "
        + sdk.getSdkMeterProvider()
        + " "
        + sdk.getSdkLoggerProvider();
  }
}
