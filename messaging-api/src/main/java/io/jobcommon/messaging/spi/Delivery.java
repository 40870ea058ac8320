package io.jobcommon.messaging.spi;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One received message and the verbs that settle it. Exactly one settling verb ({@link #ack()},
 * {@link #retryLater}, {@link #deadLetter}, {@link #release()}) takes effect: the first; later
 * calls are ignored and return a completed future. A settle that fails is logged by the transport
 * and the broker's own redelivery takes over: nothing is lost, a duplicate is possible
 * (at-least-once).
 *
 * <p>Thread-safe: any thread may settle. Values are non-null; {@code cause} parameters may be null.
 * Settling futures never need to be waited for; they complete exceptionally only when the broker
 * refused the settlement, and the transport logs that ({@link AbstractDelivery}). So the verbs are
 * {@code @CanIgnoreReturnValue}: Error Prone accepts a call that drops the future.
 */
public interface Delivery {

  /** The queue the message came from. */
  String queue();

  /** The broker's id of the message (SQS MessageId, AMQP message-id). */
  String messageId();

  /** A copy of the body bytes. */
  byte[] body();

  /** The body's size in bytes. */
  int bodySize();

  /**
   * The message's headers as strings (SQS message attributes, AMQP headers), without the
   * transport's own bookkeeping headers; unmodifiable.
   */
  Map<String, String> headers();

  /** Which delivery of this message this is: 1 for the first. */
  int attempt();

  /** When the transport received the message. */
  Instant receivedAt();

  /**
   * When the producer sent the message, if the broker or the producer recorded it (SQS {@code
   * SentTimestamp}; the AMQP {@code timestamp} property, in seconds or, as job-common producers set
   * it, in milliseconds). Decorators forward it.
   */
  default Optional<Instant> sentAt() {
    return Optional.empty();
  }

  /** Whether a settling verb was called. */
  boolean isSettled();

  /** Removes the message from the queue for good. */
  @CanIgnoreReturnValue
  CompletableFuture<Void> ack();

  /** Same as {@code retryLater(delay, null)}. */
  @CanIgnoreReturnValue
  default CompletableFuture<Void> retryLater(Duration delay) {
    return retryLater(delay, null);
  }

  /**
   * Redelivers the message no earlier than {@code delay} from now, as attempt {@link #attempt()} +
   * 1. {@code cause} is the failure that made the retry necessary, for telemetry; it is not sent.
   */
  @CanIgnoreReturnValue
  CompletableFuture<Void> retryLater(Duration delay, @Nullable Throwable cause);

  /** Same as {@code deadLetter(reason, null)}. */
  @CanIgnoreReturnValue
  default CompletableFuture<Void> deadLetter(String reason) {
    return deadLetter(reason, null);
  }

  /**
   * Moves the message, body and headers, to the queue's dead-letter queue ({@link
   * DeadLetters#queueName(String)}) with the reason and the {@link StandardHeaders} dead-letter
   * headers, then removes it from its queue. {@code cause} is for telemetry; it is not sent.
   */
  @CanIgnoreReturnValue
  CompletableFuture<Void> deadLetter(String reason, @Nullable Throwable cause);

  /**
   * Gives the message back to the queue at once, unprocessed (graceful shutdown). Where the broker
   * counts deliveries (SQS), the next delivery still counts as a new attempt.
   */
  @CanIgnoreReturnValue
  CompletableFuture<Void> release();

  /**
   * Keeps the message invisible to other consumers for {@code duration} from now. Transports with
   * an automatic heartbeat (SQS) or no lease (RabbitMQ) may treat it as a hint. Not a settling
   * verb; ignored once settled.
   */
  @CanIgnoreReturnValue
  CompletableFuture<Void> extendLease(Duration duration);
}
