package io.jobcommon.job;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.spi.DeliveryHandler;
import io.jobcommon.messaging.spi.ForwardingTransport;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import java.time.Duration;

/**
 * The transport the runtime's dispatcher consumes through: each consumer's own {@link
 * ConsumerOptions#shutdownTimeout()} is capped at the runtime's handler deadline, so a consumer
 * that asks for longer (the default is 30 s) is still interrupted in time for its message to go
 * back to the queue before the runtime closes the broker connection. Everything else is passed
 * through. Thread-safe when the wrapped transport is.
 */
final class ShutdownCappedTransport extends ForwardingTransport {
  private final Duration handlerTimeout;

  ShutdownCappedTransport(Transport delegate, Duration handlerTimeout) {
    super(delegate);
    this.handlerTimeout = handlerTimeout;
  }

  /**
   * How long handlers may run after a stop request: the runtime's shutdown timeout less a reserve
   * (a quarter of it, at most 2 s) for the interrupted handlers' settlements and the broker close.
   */
  static Duration handlerTimeout(Duration shutdownTimeout) {
    Duration reserve = shutdownTimeout.dividedBy(4);
    if (reserve.compareTo(Duration.ofSeconds(2)) > 0) {
      reserve = Duration.ofSeconds(2);
    }
    return shutdownTimeout.minus(reserve);
  }

  static ConsumerOptions capped(ConsumerOptions options, Duration handlerTimeout) {
    if (options.shutdownTimeout().compareTo(handlerTimeout) <= 0) {
      return options;
    }
    return options.toBuilder().setShutdownTimeout(handlerTimeout).build();
  }

  @Override
  public Subscription subscribe(String queue, ConsumerOptions options, DeliveryHandler handler) {
    return delegate().subscribe(queue, capped(options, handlerTimeout), handler);
  }

  /** Not the runtime's to close here: the runtime closes the transport itself, in order. */
  @Override
  public void close() {}
}
