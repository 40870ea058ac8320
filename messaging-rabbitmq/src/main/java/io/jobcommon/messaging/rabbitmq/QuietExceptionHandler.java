package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.impl.DefaultExceptionHandler;
import io.jobcommon.messaging.spi.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * amqp-client's default exception handling (a consumer or listener that throws has its channel
 * closed), except that a lost connection and failed reconnection attempts are logged at DEBUG, one
 * line each: {@link ConnectionWatch} reports every outage once (a WARN when it starts, an INFO when
 * it ends), where amqp-client would log a stack trace at ERROR for each. Stateless and thread-safe.
 */
final class QuietExceptionHandler extends DefaultExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(QuietExceptionHandler.class);

  @Override
  public void handleUnexpectedConnectionDriverException(Connection conn, Throwable exception) {
    log.debug("connection {} lost: {}", conn.getClientProvidedName(), LogSafe.of(exception, 512));
  }

  @Override
  public void handleConnectionRecoveryException(Connection conn, Throwable exception) {
    log.debug(
        "reconnection attempt of {} failed: {}",
        conn.getClientProvidedName(),
        LogSafe.of(exception, 512));
  }
}
