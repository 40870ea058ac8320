package io.jobcommon.messaging.tracing;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.DeliveryHandler;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A test double at the SPI seam: delegates to a real (in-memory) transport but reports another
 * {@code system()} (so the tracing layer behaves as on SQS or RabbitMQ), records what reaches the
 * broker, and can wrap the handler it is given.
 */
final class SystemOverride implements Transport {
  final Transport delegate;
  final String system;
  final List<OutgoingMessage> sent = new CopyOnWriteArrayList<>();
  private final UnaryOperator<DeliveryHandler> handlerWrapper;

  SystemOverride(Transport delegate, String system) {
    this(delegate, system, UnaryOperator.identity());
  }

  SystemOverride(Transport delegate, String system, UnaryOperator<DeliveryHandler> handlerWrapper) {
    this.delegate = delegate;
    this.system = system;
    this.handlerWrapper = handlerWrapper;
  }

  @Override
  public String system() {
    return system;
  }

  @Override
  public CompletableFuture<String> send(OutgoingMessage message) {
    sent.add(message);
    return delegate.send(message);
  }

  @Override
  public Subscription subscribe(String queue, ConsumerOptions options, DeliveryHandler handler) {
    return delegate.subscribe(queue, options, handlerWrapper.apply(handler));
  }

  @Override
  public void close() {
    delegate.close();
  }
}
