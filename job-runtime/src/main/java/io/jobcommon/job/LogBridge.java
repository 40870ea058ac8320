package io.jobcommon.job;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.logback.appender.v1_0.OpenTelemetryAppender;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/**
 * Sends the application's log records to the runtime's OpenTelemetry when {@code
 * OTEL_LOGS_EXPORTER} exports logs and the application logs through logback: OpenTelemetry's
 * logback appender is attached to the root logger (or, when {@code logback.xml} already has one,
 * pointed at the runtime's SDK). Each record carries the trace and span ids of the span current
 * where it was logged. Only loaded when logback is on the classpath. Thread-safe.
 */
final class LogBridge implements LogExport.Attached {
  static final String APPENDER_NAME = "jobcommon-opentelemetry";
  private static final org.slf4j.Logger log = LoggerFactory.getLogger(LogBridge.class);

  private final Logger root;
  private final OpenTelemetryAppender appender;
  private final boolean added;

  private LogBridge(Logger root, OpenTelemetryAppender appender, boolean added) {
    this.root = root;
    this.appender = appender;
    this.added = added;
  }

  /**
   * Attaches the appender to logback's root logger, exporting through {@code openTelemetry}. Call
   * only when SLF4J is bound to logback ({@link LogExport} checks).
   *
   * @return what detaches it again
   */
  static LogExport.Attached attach(OpenTelemetry openTelemetry) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof OpenTelemetryAppender configured) {
        configured.setOpenTelemetry(openTelemetry);
        log.info(
            "log records go to OpenTelemetry through the appender in the logback configuration");
        return new LogBridge(root, configured, false);
      }
    }
    OpenTelemetryAppender appender = new OpenTelemetryAppender();
    appender.setName(APPENDER_NAME);
    appender.setContext(context);
    appender.setOpenTelemetry(openTelemetry);
    appender.start();
    root.addAppender(appender);
    return new LogBridge(root, appender, true);
  }

  /** Detaches the appender the bridge added; one from the configuration stays. */
  @Override
  public void close() {
    if (added) {
      root.detachAppender(appender);
      appender.stop();
    }
  }
}
