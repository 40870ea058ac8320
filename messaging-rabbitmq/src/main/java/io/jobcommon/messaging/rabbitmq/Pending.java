package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.AMQP;
import io.jobcommon.messaging.MessagingException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * One message on its way to the broker, from the first publish attempt to the broker's confirm.
 * Whoever removes it from a channel's unconfirmed map owns it and settles it; the future completes
 * once. Thread-safe.
 */
final class Pending {
  /** The logical queue, whose topology the publish needs. */
  final String queue;

  /** The queue actually published to: the queue, its DLQ or one of its delay tiers. */
  final String routingKey;

  /** The delay tier's TTL, 0 when not publishing to a tier. */
  final long tierMs;

  final AMQP.BasicProperties props;
  final byte[] body;
  final long deadlineNanos;
  final CompletableFuture<String> future = new CompletableFuture<>();

  /** Publish attempts so far; atomic, since a lost confirm may start one while another runs. */
  final AtomicInteger attempts = new AtomicInteger();

  volatile @Nullable String returned;

  /**
   * Whether an attempt may have reached the broker (its frames were written, or the write failed
   * part way): a failure from then on is an unknown outcome, not "not sent".
   */
  volatile boolean written;

  /** {@link System#nanoTime()} of the latest publish attempt, for the confirm timeout. */
  volatile long publishedNanos;

  Pending(
      String queue,
      String routingKey,
      long tierMs,
      AMQP.BasicProperties props,
      byte[] body,
      long deadlineNanos) {
    this.queue = queue;
    this.routingKey = routingKey;
    this.tierMs = tierMs;
    this.props = props;
    this.body = body;
    this.deadlineNanos = deadlineNanos;
  }

  String messageId() {
    String id = props.getMessageId();
    return id == null ? "" : id;
  }

  void succeed() {
    future.complete(messageId());
  }

  void fail(MessagingException e) {
    future.completeExceptionally(e);
  }
}
