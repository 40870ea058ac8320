package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;
import io.jobcommon.messaging.spi.LogSafe;
import org.jspecify.annotations.Nullable;

/**
 * One line naming why a connection could not be opened: amqp-client reports a refused vhost as a
 * bare {@code java.io.IOException} whose cause holds the broker's reason. Stateless.
 */
final class ConnectFailure {
  private static final int NOT_ALLOWED = 530;

  private ConnectFailure() {}

  /**
   * What went wrong and how to fix it, for a connection to {@code where} (masked) in {@code vhost}.
   */
  static String describe(Throwable e, String where, @Nullable String vhost) {
    AMQP.Connection.@Nullable Close close = brokerClose(e);
    if (close != null) {
      String text = LogSafe.of(close.getReplyText());
      if (close.getReplyCode() == NOT_ALLOWED && text.contains("vhost")) {
        return "cannot connect to RabbitMQ at "
            + where
            + ": the virtual host '"
            + LogSafe.of(vhost)
            + "' does not exist or the user may not use it (broker: "
            + text
            + "); create it (rabbitmqctl add_vhost NAME, then set_permissions) or correct the vhost"
            + " in the URI (%2F for the default vhost '/')";
      }
      return "cannot connect to RabbitMQ at "
          + where
          + ": the broker closed the connection (broker: "
          + text
          + "); check the URI, the credentials and the user's permissions";
    }
    return "cannot connect to RabbitMQ at "
        + where
        + ": "
        + LogSafe.of(innermost(e))
        + "; check the URI and credentials, and that the broker is running";
  }

  private static AMQP.Connection.@Nullable Close brokerClose(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ShutdownSignalException
          && ((ShutdownSignalException) t).getReason() instanceof AMQP.Connection.Close) {
        return (AMQP.Connection.Close) ((ShutdownSignalException) t).getReason();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  /** The deepest exception that says something: a bare IOException wrapper says nothing. */
  private static String innermost(Throwable e) {
    Throwable best = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        best = t;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return best.toString();
  }
}
