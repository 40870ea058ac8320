package io.jobcommon.messaging.tracing;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.DeliveryHandler;
import io.jobcommon.messaging.spi.ForwardingTransport;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The transport {@link MessagingTelemetry#wrap} returns: traces sends and deliveries. */
final class TracingTransport extends ForwardingTransport {
  private final Transport delegate;
  private final TelemetryConfig config;
  private final ProducerTracing producer;
  private final ContextExtractor extractor;

  TracingTransport(Transport delegate, TelemetryConfig config) {
    super(delegate);
    this.delegate = delegate;
    this.config = config;
    this.producer = new ProducerTracing(delegate, config);
    this.extractor = new ContextExtractor(config);
  }

  @Override
  public CompletableFuture<String> send(OutgoingMessage message) {
    return producer.send(message);
  }

  @Override
  public CompletableFuture<List<String>> sendBatch(List<OutgoingMessage> messages) {
    return producer.sendBatch(messages);
  }

  @Override
  public Subscription subscribe(String queue, ConsumerOptions options, DeliveryHandler handler) {
    return delegate.subscribe(
        queue,
        options,
        new TracingDeliveryHandler(handler, config, extractor, delegate.system(), queue));
  }

  @Override
  public String toString() {
    return "Traced" + delegate;
  }
}
