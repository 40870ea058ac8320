package io.jobcommon.reliability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Captures every log event of the JVM while open (a logback {@link ListAppender} on the root). */
final class LogCapture implements AutoCloseable {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  private LogCapture() {}

  static LogCapture start() {
    LogCapture c = new LogCapture();
    c.appender.start();
    c.root.addAppender(c.appender);
    return c;
  }

  /** Events matching {@code filter}, formatted as "LEVEL [thread] logger - message: throwable". */
  @SuppressWarnings("SynchronizeOnNonFinalField") // logback's ListAppender.list: never replaced
  List<String> events(Predicate<ILoggingEvent> filter) {
    synchronized (appender.list) {
      return appender.list.stream()
          .filter(filter)
          .map(LogCapture::format)
          .collect(Collectors.toList());
    }
  }

  /**
   * ERROR events from a broker client's own code or threads (amqp-client, the AWS SDK, Netty), or
   * from the SDK's handler pool (a handler exception that got past the Dispatcher), or any WARN
   * from amqp-client (a channel or connection killed by what a message carried).
   */
  List<String> escapedToBrokerThreads() {
    return events(
        e -> {
          String logger = e.getLoggerName();
          String thread = e.getThreadName();
          boolean brokerClient =
              logger.startsWith("com.rabbitmq")
                  || logger.startsWith("software.amazon")
                  || logger.startsWith("io.netty")
                  || thread.startsWith("AMQP Connection")
                  || thread.startsWith("aws-java-sdk")
                  || thread.startsWith("sdk-async");
          if (logger.startsWith("com.rabbitmq") && e.getLevel().isGreaterOrEqual(Level.WARN)) {
            return true;
          }
          if (!e.getLevel().isGreaterOrEqual(Level.ERROR)) {
            return false;
          }
          return brokerClient || logger.equals("io.jobcommon.messaging.spi.HandlerPool");
        });
  }

  /**
   * How many lines the events matching {@code filter} take in a log file: one for the message (more
   * if it holds line breaks) plus one per stack frame and cause of its throwable.
   */
  @SuppressWarnings("SynchronizeOnNonFinalField") // logback's ListAppender.list: never replaced
  int lines(Predicate<ILoggingEvent> filter) {
    synchronized (appender.list) {
      int n = 0;
      for (ILoggingEvent e : appender.list) {
        if (filter.test(e)) {
          n += e.getFormattedMessage().split("\\R", -1).length;
          for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
            n += 1 + t.getStackTraceElementProxyArray().length;
          }
        }
      }
      return n;
    }
  }

  /**
   * Events whose text (message or any throwable message in the chain) holds a line break and then
   * {@code marker} on the same line: a value that forged a second log line.
   */
  List<String> forged(String marker) {
    Pattern p = Pattern.compile("[\\r\\n\\u0085\\u2028\\u2029][^\\r\\n]*" + Pattern.quote(marker));
    return events(
        e -> {
          if (p.matcher(e.getFormattedMessage()).find()) {
            return true;
          }
          for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
            if (t.getMessage() != null && p.matcher(t.getMessage()).find()) {
              return true;
            }
          }
          return false;
        });
  }

  private static String format(ILoggingEvent e) {
    return e.getLevel()
        + " ["
        + e.getThreadName()
        + "] "
        + e.getLoggerName()
        + " - "
        + e.getFormattedMessage()
        + (e.getThrowableProxy() == null
            ? ""
            : ": "
                + e.getThrowableProxy().getClassName()
                + ": "
                + e.getThrowableProxy().getMessage());
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
