package io.jobcommon.messaging.spi;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A transport that passes every call to another one: the base of decorators (tracing, the job
 * runtime's shutdown cap), which override only what they change. {@link #queueAdmin()} is not
 * forwarded: as {@link Transport#queueAdmin()} says, tools ask the broker's own transport.
 *
 * <p>Thread-safe when the wrapped transport is.
 */
public abstract class ForwardingTransport implements Transport {
  private final Transport delegate;

  /**
   * @param delegate the transport every call goes to
   */
  protected ForwardingTransport(Transport delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The wrapped transport. */
  protected final Transport delegate() {
    return delegate;
  }

  @Override
  public String system() {
    return delegate.system();
  }

  @Override
  public CompletableFuture<String> send(OutgoingMessage message) {
    return delegate.send(message);
  }

  @Override
  public CompletableFuture<List<String>> sendBatch(List<OutgoingMessage> messages) {
    return delegate.sendBatch(messages);
  }

  @Override
  public Subscription subscribe(String queue, ConsumerOptions options, DeliveryHandler handler) {
    return delegate.subscribe(queue, options, handler);
  }

  @Override
  public boolean isHealthy() {
    return delegate.isHealthy();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
