package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.FrameHandler;
import com.rabbitmq.client.impl.FrameHandlerFactory;
import com.rabbitmq.client.impl.SocketFrameHandler;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ConnectionFactory} whose connections check every incoming content-header frame with
 * {@link HeaderFrames} before amqp-client parses it, so a message with headers the client cannot
 * read reaches the consumer (to be dead-lettered) instead of killing the connection again after
 * every recovery. Works with amqp-client's default blocking IO; with NIO or Netty frames are read
 * elsewhere, which is warned about once. Thread-safe as its superclass.
 */
final class FrameCheckingConnectionFactory extends ConnectionFactory {
  private static final Logger log = LoggerFactory.getLogger(FrameCheckingConnectionFactory.class);

  private final AtomicBoolean warned = new AtomicBoolean();

  FrameCheckingConnectionFactory() {}

  /**
   * A frame-checking copy of {@code source} with all its settings (what {@link
   * ConnectionFactory#clone()} copies), or a plain clone, with a warning, if the settings cannot be
   * copied.
   */
  static ConnectionFactory copyOf(ConnectionFactory source) {
    FrameCheckingConnectionFactory copy = new FrameCheckingConnectionFactory();
    try {
      for (Field f : ConnectionFactory.class.getDeclaredFields()) {
        if (!Modifier.isStatic(f.getModifiers()) && !Modifier.isFinal(f.getModifiers())) {
          f.setAccessible(true);
          f.set(copy, f.get(source));
        }
      }
      return copy;
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn(
          "cannot copy the settings of the given connection factory ({}); a message whose headers"
              + " amqp-client cannot read will break the consumer's connection until it is removed",
          e.toString());
      return source.clone();
    }
  }

  @Override
  protected synchronized FrameHandlerFactory createFrameHandlerFactory() throws IOException {
    FrameHandlerFactory plain = super.createFrameHandlerFactory();
    return (address, connectionName) -> wrap(plain.create(address, connectionName));
  }

  private FrameHandler wrap(FrameHandler handler) {
    if (!(handler instanceof SocketFrameHandler) && warned.compareAndSet(false, true)) {
      log.warn(
          "the connection factory uses NIO or Netty ({}): incoming header tables are not checked,"
              + " and a message whose headers amqp-client cannot read breaks the connection",
          handler.getClass().getSimpleName());
      return handler;
    }
    return handler instanceof SocketFrameHandler ? new SanitizingFrameHandler(handler) : handler;
  }
}
