package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.DefaultExceptionHandler;
import io.jobcommon.messaging.spi.LogSafe;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A transport's two connections, one to publish and one to consume (so a publisher blocked by the
 * broker's flow control never holds up acks), watched by a {@link ConnectionWatch}; and the
 * connection factory they are opened with. Thread-safe.
 */
final class Connections {
  private static final Logger log = LoggerFactory.getLogger(RabbitMqTransport.class);
  static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);
  private static final Duration DEFAULT_RECOVERY_INTERVAL = Duration.ofSeconds(2);

  final Connection publish;
  final Connection consume;
  private final ConnectionWatch watch;

  /** Opens both connections, named {@code <name>-publish} and {@code <name>-consume}. */
  Connections(ConnectionFactory factory, String name, String description)
      throws IOException, TimeoutException {
    this.publish = factory.newConnection(name + "-publish");
    try {
      this.consume = factory.newConnection(name + "-consume");
    } catch (IOException | TimeoutException | RuntimeException e) {
      publish.abort();
      throw e;
    }
    this.watch = new ConnectionWatch(description);
    watch.watch(publish);
    watch.watch(consume);
  }

  /**
   * The factory for a transport: a frame-checking copy of {@code given}, or one for {@code uri};
   * with automatic connection and topology recovery, and outages logged once by the transport.
   * {@code recoveryInterval} and {@code heartbeat}, when null, keep the given factory's own or take
   * the URI defaults (2 s, 10 s).
   */
  static ConnectionFactory factory(
      @Nullable ConnectionFactory given,
      @Nullable String uri,
      String uriSetting,
      @Nullable SSLContext sslContext,
      @Nullable Duration recoveryInterval,
      @Nullable Duration heartbeat) {
    ConnectionFactory cf;
    if (given != null) {
      cf = FrameCheckingConnectionFactory.copyOf(given);
      if (recoveryInterval != null) {
        cf.setNetworkRecoveryInterval(recoveryInterval.toMillis());
      }
    } else if (uri != null) {
      cf = new FrameCheckingConnectionFactory();
      AmqpUri.apply(cf, uri, uriSetting, sslContext);
      cf.setNetworkRecoveryInterval(
          (recoveryInterval != null ? recoveryInterval : DEFAULT_RECOVERY_INTERVAL).toMillis());
    } else {
      throw new IllegalStateException(
          "RabbitMqTransport needs a broker: call setUri(\"amqp://user:pass@host:5672/vhost\") or"
              + " setConnectionFactory(factory)");
    }
    if (heartbeat != null || uri != null) {
      cf.setRequestedHeartbeat(
          (int) (heartbeat != null ? heartbeat : DEFAULT_HEARTBEAT).getSeconds());
    }
    if (cf.getExceptionHandler() instanceof DefaultExceptionHandler) {
      cf.setExceptionHandler(new QuietExceptionHandler()); // the transport logs outages once
    }
    cf.setAutomaticRecoveryEnabled(true);
    cf.setTopologyRecoveryEnabled(true);
    return cf;
  }

  /** Whether both connections are open. */
  boolean isOpen() {
    return publish.isOpen() && consume.isOpen();
  }

  /** From now on, a connection that closes is the transport closing, not an outage. */
  void closing() {
    watch.closing();
  }

  /** Closes the consuming connection, then the publishing one. */
  void close() {
    for (Connection c : List.of(consume, publish)) {
      try {
        c.close();
      } catch (IOException | RuntimeException e) {
        log.debug(
            "closing connection {} failed: {}", c.getClientProvidedName(), LogSafe.of(e, 512));
      }
    }
  }
}
