package io.jobcommon.job;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes OpenTelemetry's own {@code java.util.logging} output (exporter failures, mostly) to SLF4J,
 * one line per record and rate-limited, instead of the JDK's two-line console format with a full
 * stack trace. A collector that is down would otherwise print one {@code SEVERE: Failed to export}
 * block per export attempt, in another format than every other line of the worker.
 *
 * <p>Each source (logger, level and the message's first 40 characters) logs at most once per
 * interval; the next line after a quiet interval says how many were suppressed. A throwable is
 * shown as its class and message, and those of its causes, never as a stack trace. Installed on the
 * {@code io.opentelemetry} logger only, so the application's own {@code java.util.logging} setup is
 * left alone; installing twice is a no-op. Thread-safe.
 */
final class JulToSlf4j extends Handler {
  static final String OTEL_LOGGER = "io.opentelemetry";
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
  private static final int MAX_CAUSES = 4;

  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  /** One source's rate limit: when it last logged, and what it suppressed since. */
  private static final class Window {
    volatile long lastLogged;
    final AtomicLong suppressed = new AtomicLong();

    Window(long lastLogged) {
      this.lastLogged = lastLogged;
    }
  }

  JulToSlf4j(Duration interval, LongSupplier nanoTime) {
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
  }

  /**
   * Installs the bridge on the {@code io.opentelemetry} logger (its records no longer reach the
   * JDK's console handler) and returns that logger; keep it referenced, since {@code
   * java.util.logging} holds loggers weakly.
   */
  static java.util.logging.Logger install() {
    java.util.logging.Logger otel = java.util.logging.Logger.getLogger(OTEL_LOGGER);
    synchronized (otel) {
      for (Handler h : otel.getHandlers()) {
        if (h instanceof JulToSlf4j) {
          return otel;
        }
      }
      otel.addHandler(new JulToSlf4j(DEFAULT_INTERVAL, System::nanoTime));
      otel.setUseParentHandlers(false);
      if (otel.getLevel() == null) {
        otel.setLevel(Level.INFO); // the SDK's DEBUG-level chatter stays off, as with the JDK's
      }
    }
    return otel;
  }

  @Override
  public void publish(LogRecord record) {
    if (record == null || !isLoggable(record)) {
      return;
    }
    String name = record.getLoggerName() == null ? OTEL_LOGGER : record.getLoggerName();
    // The message's start: the SDK appends the varying error text to a fixed sentence.
    String m = String.valueOf(record.getMessage());
    String key = name + '|' + record.getLevel() + '|' + m.substring(0, Math.min(40, m.length()));
    long now = nanoTime.getAsLong();
    long suppressed;
    boolean[] fresh = {false};
    Window w =
        windows.computeIfAbsent(
            key,
            k -> {
              fresh[0] = true;
              return new Window(now);
            });
    synchronized (w) {
      if (!fresh[0] && now - w.lastLogged < intervalNanos) {
        w.suppressed.incrementAndGet();
        return;
      }
      w.lastLogged = now;
      suppressed = w.suppressed.getAndSet(0);
    }
    String line = text(record, suppressed);
    Logger target = LoggerFactory.getLogger(name);
    int level = record.getLevel().intValue();
    if (level >= Level.SEVERE.intValue()) {
      target.error(line);
    } else if (level >= Level.WARNING.intValue()) {
      target.warn(line);
    } else if (level >= Level.INFO.intValue()) {
      target.info(line);
    } else {
      target.debug(line);
    }
  }

  /** The record as one line: its message, its throwable's chain, and what was suppressed. */
  static String text(LogRecord record, long suppressed) {
    StringBuilder out = new StringBuilder(oneLine(message(record)));
    int depth = 0;
    for (Throwable t = record.getThrown(); t != null && depth < MAX_CAUSES; t = t.getCause()) {
      out.append(depth == 0 ? ": " : "; caused by ")
          .append(t.getClass().getName())
          .append(t.getMessage() == null ? "" : ": " + oneLine(t.getMessage()));
      depth++;
    }
    if (suppressed > 0) {
      out.append(" (").append(suppressed).append(" more like this since the last one)");
    }
    return out.toString();
  }

  private static String message(LogRecord record) {
    String m = record.getMessage();
    if (m == null) {
      return "";
    }
    Object[] params = record.getParameters();
    if (params == null || params.length == 0 || !m.contains("{")) {
      return m;
    }
    try {
      return java.text.MessageFormat.format(m, params);
    } catch (IllegalArgumentException e) {
      return m;
    }
  }

  private static String oneLine(String s) {
    String flat = s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    return flat.length() > 1000 ? flat.substring(0, 1000) + "…" : flat;
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
