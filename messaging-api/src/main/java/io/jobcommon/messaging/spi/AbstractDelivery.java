package io.jobcommon.messaging.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base class for a transport's {@link Delivery}: holds the message's values and makes the first
 * settling verb win, so transports implement only the broker mechanics ({@code doAck}, ...). A
 * failing settle is logged with the queue, the message id and what happens next.
 *
 * <p>Thread-safe; subclasses must keep their {@code do*} methods thread-safe.
 */
public abstract class AbstractDelivery implements Delivery {
  private static final Logger log = LoggerFactory.getLogger(AbstractDelivery.class);

  private final String queue;
  private final String messageId;
  private final byte[] body;
  private final Map<String, String> headers;
  private final int attempt;
  private final Instant receivedAt;
  private final FirstSettle firstSettle = new FirstSettle();

  /**
   * @param body the body; kept as is (not copied), so the subclass must not change it
   * @param headers the headers; copied
   */
  protected AbstractDelivery(
      String queue,
      String messageId,
      byte[] body,
      Map<String, String> headers,
      int attempt,
      Instant receivedAt) {
    this.queue = Objects.requireNonNull(queue, "queue");
    this.messageId = Objects.requireNonNull(messageId, "messageId");
    this.body = Objects.requireNonNull(body, "body");
    this.headers = Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
    this.attempt = attempt;
    this.receivedAt = Objects.requireNonNull(receivedAt, "receivedAt");
  }

  @Override
  public final String queue() {
    return queue;
  }

  @Override
  public final String messageId() {
    return messageId;
  }

  @Override
  public final byte[] body() {
    return body.clone();
  }

  /** The body without a copy, for subclasses that re-publish it. */
  protected final byte[] bodyBytes() {
    return body;
  }

  @Override
  public final int bodySize() {
    return body.length;
  }

  @Override
  public final Map<String, String> headers() {
    return headers;
  }

  @Override
  public final int attempt() {
    return attempt;
  }

  @Override
  public final Instant receivedAt() {
    return receivedAt;
  }

  @Override
  public final boolean isSettled() {
    return firstSettle.isSettled();
  }

  @Override
  public final CompletableFuture<Void> ack() {
    return settle("ack", this::doAck);
  }

  @Override
  public final CompletableFuture<Void> retryLater(Duration delay, @Nullable Throwable cause) {
    Objects.requireNonNull(delay, "delay");
    Duration d = delay.isNegative() ? Duration.ZERO : delay;
    return settle("retry", () -> doRetryLater(d));
  }

  @Override
  public final CompletableFuture<Void> deadLetter(String reason, @Nullable Throwable cause) {
    Objects.requireNonNull(reason, "reason");
    return settle("dead-letter", () -> doDeadLetter(DeadLetters.truncate(reason)));
  }

  @Override
  public final CompletableFuture<Void> release() {
    return settle("release", this::doRelease);
  }

  @Override
  public final CompletableFuture<Void> extendLease(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (firstSettle.isSettled()) {
      return CompletableFuture.completedFuture(null);
    }
    return guarded("extend-lease", () -> doExtendLease(duration));
  }

  /** Deletes the message for good. */
  protected abstract CompletableFuture<Void> doAck();

  /** Makes the message come back no earlier than {@code delay}, as the next attempt. */
  protected abstract CompletableFuture<Void> doRetryLater(Duration delay);

  /** Moves the message to the dead-letter queue with {@code reason} (already truncated). */
  protected abstract CompletableFuture<Void> doDeadLetter(String reason);

  /** Makes the message available again at once. */
  protected abstract CompletableFuture<Void> doRelease();

  /** Keeps the message invisible for {@code duration} from now. */
  protected abstract CompletableFuture<Void> doExtendLease(Duration duration);

  /**
   * Called once, on the thread of the first settling verb, before the broker call: a transport
   * frees its flow-control slot here.
   */
  protected void onSettled() {}

  private CompletableFuture<Void> settle(String verb, Supplier<CompletableFuture<Void>> action) {
    if (!firstSettle.claim()) {
      log.debug(
          "{} of message {} on queue {} ignored: already settled",
          verb,
          LogSafe.of(messageId),
          LogSafe.of(queue));
      return CompletableFuture.completedFuture(null);
    }
    try {
      onSettled();
    } catch (RuntimeException e) {
      log.warn(
          "settle bookkeeping of message {} on queue {} failed: {}",
          LogSafe.of(messageId),
          LogSafe.of(queue),
          LogSafe.of(e, 1024));
    }
    return guarded(verb, action);
  }

  private CompletableFuture<Void> guarded(String verb, Supplier<CompletableFuture<Void>> action) {
    CompletableFuture<Void> f;
    try {
      f = Objects.requireNonNull(action.get(), "settle future");
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    if (f.isDone() && !f.isCompletedExceptionally()) {
      return f; // the usual case: no stage to add just to find nothing to log
    }
    f.whenComplete(
        (ok, error) -> {
          if (error != null) {
            log.warn(
                "{} of message {} on queue {} failed; the broker will redeliver it after its"
                    + " lease expires (at-least-once): {}",
                verb,
                LogSafe.of(messageId),
                LogSafe.of(queue),
                LogSafe.of(error, 1024));
          }
        });
    return f;
  }
}
