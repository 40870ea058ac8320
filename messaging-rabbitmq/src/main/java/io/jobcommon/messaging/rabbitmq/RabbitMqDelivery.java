package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.AMQP;
import io.jobcommon.messaging.spi.AbstractDelivery;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A message received from a RabbitMQ queue. The verbs go to the {@link ConsumerChannel} it arrived
 * on, which owns that channel. Thread-safe.
 */
final class RabbitMqDelivery extends AbstractDelivery {
  private final ConsumerChannel channel;
  private final long deliveryTag;
  private final int epoch;
  private final AMQP.BasicProperties props;

  RabbitMqDelivery(
      ConsumerChannel channel,
      String messageId,
      byte[] body,
      AMQP.BasicProperties props,
      long deliveryTag,
      int epoch,
      Instant receivedAt) {
    super(
        channel.queue(),
        messageId,
        body,
        AmqpHeaders.toStrings(props.getHeaders()),
        AmqpHeaders.attempt(props.getHeaders()),
        receivedAt);
    this.channel = channel;
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

  /**
   * Properties for a persistent copy of this message, to republish as attempt {@code attempt} with
   * {@code extraHeaders} added (a retry, a dead letter): same message id, original timestamp.
   */
  AMQP.BasicProperties copy(Map<String, String> extraHeaders, int attempt) {
    return props
        .builder()
        .deliveryMode(2)
        .messageId(messageId())
        .timestamp(props.getTimestamp() != null ? props.getTimestamp() : new Date())
        .headers(AmqpHeaders.forRepublish(props.getHeaders(), extraHeaders, attempt))
        .expiration(null)
        .build();
  }

  byte[] rawBody() {
    return bodyBytes();
  }

  @Override
  protected CompletableFuture<Void> doAck() {
    return channel.ack(this);
  }

  @Override
  protected CompletableFuture<Void> doRetryLater(Duration delay) {
    return channel.retry(this, delay);
  }

  @Override
  protected CompletableFuture<Void> doDeadLetter(String reason) {
    return channel.deadLetter(this, reason);
  }

  @Override
  protected CompletableFuture<Void> doRelease() {
    return channel.release(this);
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
