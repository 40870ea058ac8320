package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.AMQP;
import io.jobcommon.messaging.spi.AbstractDelivery;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * A message received from a RabbitMQ queue. The verbs go to its subscription, which owns the
 * channel. Thread-safe.
 */
final class RabbitMqDelivery extends AbstractDelivery {
  private final RabbitMqSubscription subscription;
  private final long deliveryTag;
  private final int epoch;
  private final AMQP.BasicProperties props;

  RabbitMqDelivery(
      RabbitMqSubscription subscription,
      String messageId,
      byte[] body,
      AMQP.BasicProperties props,
      long deliveryTag,
      int epoch,
      Instant receivedAt) {
    super(
        subscription.queue(),
        messageId,
        body,
        AmqpHeaders.toStrings(props.getHeaders()),
        AmqpHeaders.attempt(props.getHeaders()),
        receivedAt);
    this.subscription = subscription;
    this.deliveryTag = deliveryTag;
    this.epoch = epoch;
    this.props = props;
  }

  long deliveryTag() {
    return deliveryTag;
  }

  /** The subscription channel's incarnation this delivery arrived on. */
  int epoch() {
    return epoch;
  }

  @Override
  public java.util.Optional<java.time.Instant> sentAt() {
    return AmqpTimestamps.sentAt(props().getTimestamp());
  }

  AMQP.BasicProperties props() {
    return props;
  }

  byte[] rawBody() {
    return bodyBytes();
  }

  @Override
  protected CompletableFuture<Void> doAck() {
    return subscription.ack(this);
  }

  @Override
  protected CompletableFuture<Void> doRetryLater(Duration delay) {
    return subscription.retry(this, delay);
  }

  @Override
  protected CompletableFuture<Void> doDeadLetter(String reason) {
    return subscription.deadLetter(this, reason);
  }

  @Override
  protected CompletableFuture<Void> doRelease() {
    return subscription.requeue(this);
  }

  /**
   * RabbitMQ has no per-message lease: an unacked message stays with its consumer until the channel
   * closes or the broker's {@code consumer_timeout} (30 min by default) closes it.
   */
  @Override
  protected CompletableFuture<Void> doExtendLease(Duration duration) {
    return CompletableFuture.completedFuture(null);
  }
}
