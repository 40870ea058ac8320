package io.jobcommon.messaging.tracing;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.DeliveryHandler;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The transport {@link MessagingTelemetry#wrap} returns: traces sends and deliveries. */
final class TracingTransport implements Transport {
  private final Transport delegate;
  private final TelemetryConfig config;

  TracingTransport(Transport delegate, TelemetryConfig config) {
    this.delegate = delegate;
    this.config = config;
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
    return "Traced" + delegate;
  }

  TelemetryConfig config() {
    return config;
  }
}
