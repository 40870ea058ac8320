package io.jobcommon.reliability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.function.Predicate;
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
