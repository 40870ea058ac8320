package io.jobcommon.job;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class JulToSlf4jTest {
  private static final String EXPORTER = "io.opentelemetry.exporter.internal.http.HttpExporter";
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger target = (Logger) LoggerFactory.getLogger(EXPORTER);
  private final AtomicLong now = new AtomicLong();
  private final JulToSlf4j bridge = new JulToSlf4j(Duration.ofSeconds(30), now::get);

  @BeforeEach
  void capture() {
    appender.start();
    target.addAppender(appender);
  }

  @AfterEach
  void release() {
    target.detachAppender(appender);
  }

  private static LogRecord failure(String message, Throwable thrown) {
    LogRecord r = new LogRecord(Level.SEVERE, message);
    r.setLoggerName(EXPORTER);
    r.setThrown(thrown);
    return r;
  }

  @Test
  void aRecordWithAnExceptionIsOneLineWithItsCauses() {
    IOException e =
        new IOException("Failed to connect\nto /127.0.0.1:4318", new ConnectException("refused"));
    bridge.publish(failure("Failed to export spans.", e));

    assertThat(appender.list).hasSize(1);
    ILoggingEvent event = appender.list.get(0);
    assertThat(event.getLevel()).isEqualTo(ch.qos.logback.classic.Level.ERROR);
    assertThat(event.getThrowableProxy()).as("no stack trace").isNull();
    assertThat(event.getFormattedMessage())
        .isEqualTo(
            "Failed to export spans.: java.io.IOException: Failed to connect to /127.0.0.1:4318;"
                + " caused by java.net.ConnectException: refused");
  }

  @Test
  void theSameFailureLogsOncePerIntervalAndCountsWhatItSuppressed() {
    for (int i = 0; i < 100; i++) {
      now.addAndGet(Duration.ofMillis(200).toNanos());
      bridge.publish(failure("Failed to export spans.", new ConnectException("refused")));
    }
    assertThat(appender.list).hasSize(1);

    now.addAndGet(Duration.ofSeconds(30).toNanos());
    bridge.publish(failure("Failed to export spans.", new ConnectException("refused")));

    assertThat(appender.list).hasSize(2);
    assertThat(appender.list.get(1).getFormattedMessage())
        .endsWith("(99 more like this since the last one)");
  }

  @Test
  void differentFailuresAreNotSuppressedByEachOther() {
    bridge.publish(failure("Failed to export spans.", null));
    bridge.publish(failure("Failed to export metrics.", null));
    LogRecord warning = new LogRecord(Level.WARNING, "Exporter failed");
    warning.setLoggerName(EXPORTER);
    bridge.publish(warning);

    assertThat(appender.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly("Failed to export spans.", "Failed to export metrics.", "Exporter failed");
    assertThat(appender.list.get(2).getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
  }

  @Test
  void installingTwiceAddsOneHandlerAndStopsTheConsoleOutput() {
    java.util.logging.Logger otel = JulToSlf4j.install();
    JulToSlf4j.install();

    assertThat(otel.getHandlers()).filteredOn(h -> h instanceof JulToSlf4j).hasSize(1);
    assertThat(otel.getUseParentHandlers()).isFalse();
  }
}
