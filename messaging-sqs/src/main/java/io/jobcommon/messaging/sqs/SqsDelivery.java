package io.jobcommon.messaging.sqs;

import io.jobcommon.messaging.spi.AbstractDelivery;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One received SQS message. Settling verbs map to DeleteMessage (batched), ChangeMessageVisibility
 * and a send to the dead-letter queue; visibility changes wait for a heartbeat call in flight, so a
 * late heartbeat can never undo a release or a retry delay. Thread-safe.
 */
final class SqsDelivery extends AbstractDelivery {
  /** How a delivery was settled, for FIFO group ordering. */
  enum Outcome {
    ACK(true),
    RETRY(false),
    DEAD_LETTER(true),
    RELEASE(false);

    /** Whether the message left the queue, so the group's next message may run. */
    final boolean removed;

    Outcome(boolean removed) {
      this.removed = removed;
    }
  }

  private final SqsSubscription owner;
  private final String receiptHandle;
  private final @Nullable String groupId;
  private final Object lock = new Object();
  // Handler returned + settled: both must happen before the next message of a FIFO group starts.
  private final AtomicInteger openSteps = new AtomicInteger(2);
  private final AtomicBoolean claimed = new AtomicBoolean();
  private volatile Instant visibleUntil;
  private volatile Outcome outcome = Outcome.RELEASE;
  private CompletableFuture<Void> heartbeat = CompletableFuture.completedFuture(null);
  private boolean heartbeatStopped;

  SqsDelivery(
      SqsSubscription owner,
      String messageId,
      byte[] body,
      Map<String, String> headers,
      int attempt,
      Instant receivedAt,
      String receiptHandle,
      @Nullable String groupId,
      Instant visibleUntil) {
    super(owner.queue(), messageId, body, headers, attempt, receivedAt);
    this.owner = owner;
    this.receiptHandle = receiptHandle;
    this.groupId = groupId;
    this.visibleUntil = visibleUntil;
  }

  /** SentTimestamp, set once right after construction. */
  private volatile @Nullable Instant sentAt;

  void setSentAt(@Nullable Instant sentAt) {
    this.sentAt = sentAt;
  }

  @Override
  public java.util.Optional<Instant> sentAt() {
    return java.util.Optional.ofNullable(sentAt);
  }

  String receiptHandle() {
    return receiptHandle;
  }

  @Nullable String groupId() {
    return groupId;
  }

  Instant visibleUntil() {
    return visibleUntil;
  }

  void extendedUntil(Instant until) {
    if (until.isAfter(visibleUntil)) {
      visibleUntil = until;
    }
  }

  /** A heartbeat call starts: the future to complete when it is answered, or null once settled. */
  @Nullable CompletableFuture<Void> beginHeartbeat() {
    synchronized (lock) {
      if (heartbeatStopped) {
        return null;
      }
      heartbeat = new CompletableFuture<>();
      return heartbeat;
    }
  }

  /**
   * Claims the delivery for its handler, or for a release at shutdown: whichever comes first wins,
   * so a message released because it never started is never handled as well.
   */
  boolean claim() {
    return claimed.compareAndSet(false, true);
  }

  /** The handler returned. */
  void handlerReturned() {
    step();
  }

  @Override
  protected void onSettled() {
    synchronized (lock) {
      heartbeatStopped = true;
    }
    owner.onSettled(this);
  }

  @Override
  protected CompletableFuture<Void> doAck() {
    settledAs(Outcome.ACK);
    return Uninterrupted.call(() -> owner.delete(this));
  }

  @Override
  protected CompletableFuture<Void> doRetryLater(Duration delay) {
    settledAs(Outcome.RETRY);
    return afterHeartbeat(() -> owner.changeVisibility(this, delay));
  }

  @Override
  protected CompletableFuture<Void> doDeadLetter(String reason) {
    settledAs(Outcome.DEAD_LETTER);
    return Uninterrupted.call(() -> owner.deadLetter(this, bodyBytes(), reason));
  }

  @Override
  protected CompletableFuture<Void> doRelease() {
    settledAs(Outcome.RELEASE);
    return afterHeartbeat(() -> owner.changeVisibility(this, Duration.ZERO));
  }

  @Override
  protected CompletableFuture<Void> doExtendLease(Duration duration) {
    // Not extendedUntil: a shorter lease than the heartbeat gave must make the next beat come
    // sooner.
    visibleUntil = owner.now().plus(duration);
    return afterHeartbeat(() -> owner.changeVisibility(this, duration));
  }

  private void settledAs(Outcome o) {
    outcome = o;
    step();
  }

  private void step() {
    if (openSteps.decrementAndGet() == 0) {
      owner.onFinished(this, outcome);
    }
  }

  private CompletableFuture<Void> afterHeartbeat(Supplier<CompletableFuture<Void>> change) {
    CompletableFuture<Void> pending;
    synchronized (lock) {
      pending = heartbeat;
    }
    return Uninterrupted.call(
        () -> pending.handle((ok, error) -> null).thenCompose(ignored -> change.get()));
  }

  @Override
  public String toString() {
    return "SqsDelivery{queue=" + queue() + ", messageId=" + messageId() + "}";
  }
}
