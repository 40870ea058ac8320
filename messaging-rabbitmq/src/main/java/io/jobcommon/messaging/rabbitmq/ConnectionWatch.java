package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import io.jobcommon.messaging.spi.LogSafe;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the transport's connections and logs each outage once: one WARN when the first of them is
 * lost (the transport is unhealthy from then on), one INFO when all of them are back, with how long
 * it took. A stalled broker behind a half-open connection is noticed by the AMQP heartbeat, within
 * twice its interval. Thread-safe.
 */
final class ConnectionWatch {
  private static final Logger log = LoggerFactory.getLogger(RabbitMqTransport.class);

  private final String description;
  private final Object lock = new Object();
  private final Set<String> down = new HashSet<>();
  private long downSinceNanos;
  private volatile boolean closing;

  ConnectionWatch(String description) {
    this.description = description;
  }

  /** Starts watching {@code connection}. */
  void watch(Connection connection) {
    String name = String.valueOf(connection.getClientProvidedName());
    connection.addShutdownListener(cause -> lost(name, cause));
    if (connection instanceof Recoverable) {
      ((Recoverable) connection)
          .addRecoveryListener(
              new RecoveryListener() {
                @Override
                public void handleRecovery(Recoverable recoverable) {
                  recovered(name);
                }

                @Override
                public void handleRecoveryStarted(Recoverable recoverable) {}
              });
    }
  }

  /** The transport is closing: connection losses from now on are ours. */
  void closing() {
    closing = true;
  }

  private void lost(String name, ShutdownSignalException cause) {
    if (closing || cause.isInitiatedByApplication()) {
      return;
    }
    synchronized (lock) {
      boolean first = down.isEmpty();
      down.add(name);
      if (!first) {
        return;
      }
      downSinceNanos = System.nanoTime();
    }
    log.warn(
        "lost the connection {} to RabbitMQ at {} ({}); the transport is unhealthy until it is"
            + " back, reconnecting",
        name,
        description,
        LogSafe.of(reason(cause), 512));
  }

  private void recovered(String name) {
    long millis;
    synchronized (lock) {
      if (!down.remove(name) || !down.isEmpty()) {
        return;
      }
      millis = (System.nanoTime() - downSinceNanos) / 1_000_000;
    }
    log.info(
        "reconnected to RabbitMQ at {} after {}; the transport is healthy again",
        description,
        Duration.ofMillis(millis));
  }

  private static String reason(ShutdownSignalException cause) {
    Throwable c = cause.getCause();
    if (c != null) {
      return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    }
    return String.valueOf(cause.getMessage());
  }
}
