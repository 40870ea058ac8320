package io.jobcommon.job;

import io.opentelemetry.api.OpenTelemetry;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether the application's log records go to OpenTelemetry: only when {@code
 * OTEL_LOGS_EXPORTER} (or {@code -Dotel.logs.exporter}) names an exporter, the runtime built the
 * SDK, and SLF4J is bound to logback; then {@link LogBridge} attaches OpenTelemetry's appender.
 * Refers to no logback type, so the runtime works without logback. Thread-safe.
 */
final class LogExport {
  private static final Logger log = LoggerFactory.getLogger(LogExport.class);
  static final String LOGBACK_CONTEXT = "ch.qos.logback.classic.LoggerContext";

  /** What detaches the bridge; closing never throws. */
  interface Attached extends AutoCloseable {
    @Override
    void close();
  }

  /** What there is to close when nothing was attached. */
  static final Attached NONE = () -> {};

  private LogExport() {}

  /**
   * Attaches the log bridge when logs are exported.
   *
   * @param environment the runtime's variables; the system property wins, like in the SDK
   * @return what detaches it at close
   */
  static Attached start(OpenTelemetry openTelemetry, Map<String, String> environment) {
    if (!logsExported(environment)) {
      return NONE;
    }
    if (!LoggerFactory.getILoggerFactory().getClass().getName().equals(LOGBACK_CONTEXT)) {
      log.warn(
          "OTEL_LOGS_EXPORTER is set, but SLF4J is bound to {}, not logback: no log record is"
              + " exported (add ch.qos.logback:logback-classic, or bridge your logging yourself)",
          LoggerFactory.getILoggerFactory().getClass().getName());
      return NONE;
    }
    return LogBridge.attach(openTelemetry);
  }

  /** Whether the exporter setting for logs names something other than {@code none}. */
  static boolean logsExported(Map<String, String> environment) {
    String value = System.getProperty("otel.logs.exporter");
    if (value == null || value.isBlank()) {
      value = environment.get("OTEL_LOGS_EXPORTER");
    }
    return value != null
        && !value.isBlank()
        && !value.trim().toLowerCase(Locale.ROOT).equals("none");
  }
}
