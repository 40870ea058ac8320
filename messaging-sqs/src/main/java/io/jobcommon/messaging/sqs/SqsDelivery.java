package io.jobcommon.messaging.sqs;

import io.jobcommon.messaging.spi.AbstractDelivery;
import io.jobcommon.messaging.spi.LogSafe;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * One received SQS message. Every settle verb goes to the queue's {@link QueueSettler}, which maps
 * it to DeleteMessage (batched), ChangeMessageVisibility or a send to the dead-letter queue. Holds
 * what is per message: the receipt handle, how long it is invisible, the heartbeat call in flight
 * for it, and how it was settled. Thread-safe.
 */
final class SqsDelivery extends AbstractDelivery {
  private static final Logger log = LoggerFactory.getLogger(SqsDelivery.class);

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

  private final QueueSettler settler;
  private final String receiptHandle;
  private final @Nullable String groupId;
  private final @Nullable Instant sentAt;
  private final AtomicBoolean claimed = new AtomicBoolean();
  private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
  private final Object lock = new Object();
  private volatile Instant visibleUntil;
  private CompletableFuture<Void> heartbeat = CompletableFuture.completedFuture(null);
  private boolean heartbeatEnded;

  private SqsDelivery(
      QueueSettler settler,
      String queue,
      Message m,
      WireFormat.Decoded decoded,
      int attempt,
      Instant receivedAt,
      @Nullable Instant sentAt,
      Instant visibleUntil) {
    super(queue, m.messageId(), decoded.body(), decoded.headers(), attempt, receivedAt);
    this.settler = settler;
    this.receiptHandle = m.receiptHandle();
    this.groupId = m.attributesAsStrings().get("MessageGroupId");
    this.sentAt = sentAt;
    this.visibleUntil = visibleUntil;
  }

  /**
   * {@code m} of {@code queue}, received at {@code receivedAt}, invisible until {@code leaseEnd}.
   */
  static SqsDelivery of(
      QueueSettler settler, String queue, Message m, Instant receivedAt, Instant leaseEnd) {
    Map<String, String> system = m.attributesAsStrings();
    int attempt = 1;
    try {
      attempt = Math.max(1, Integer.parseInt(system.getOrDefault("ApproximateReceiveCount", "1")));
    } catch (NumberFormatException e) {
      log.debug(
          "message {} of queue {} has no usable receive count", LogSafe.of(m.messageId()), queue);
    }
    return new SqsDelivery(
        settler,
        queue,
        m,
        WireFormat.decode(m),
        attempt,
        receivedAt,
        SentTimestamps.parse(system.get("SentTimestamp")),
        leaseEnd);
  }

  @Override
  public Optional<Instant> sentAt() {
    return Optional.ofNullable(sentAt);
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

  /**
   * Claims the delivery for its handler, or for a release at shutdown: whichever comes first wins,
   * so a message released because it never started is never handled as well.
   */
  boolean claim() {
    return claimed.compareAndSet(false, true);
  }

  /** Completes with how the delivery was settled, when its first settle verb is called. */
  CompletableFuture<Outcome> outcome() {
    return outcome;
  }

  /** A heartbeat call starts: the future to complete when it is answered, or null once ended. */
  @Nullable CompletableFuture<Void> beginHeartbeat() {
    synchronized (lock) {
      if (heartbeatEnded) {
        return null;
      }
      heartbeat = new CompletableFuture<>();
      return heartbeat;
    }
  }

  /** No more heartbeat calls for this delivery: it was settled, or SQS refused to extend it. */
  void endHeartbeat() {
    synchronized (lock) {
      heartbeatEnded = true;
    }
  }

  boolean heartbeatEnded() {
    synchronized (lock) {
      return heartbeatEnded;
    }
  }

  /** Completes (never exceptionally) once the heartbeat call in flight now, if any, is answered. */
  CompletableFuture<Void> heartbeatAnswered() {
    CompletableFuture<Void> pending;
    synchronized (lock) {
      pending = heartbeat;
    }
    return pending.handle((ok, error) -> null);
  }

  @Override
  protected void onSettled() {
    endHeartbeat();
    settler.settled(this);
  }

  @Override
  protected CompletableFuture<Void> doAck() {
    outcome.complete(Outcome.ACK);
    return Uninterrupted.call(() -> settler.ack(this));
  }

  @Override
  protected CompletableFuture<Void> doRetryLater(Duration delay) {
    outcome.complete(Outcome.RETRY);
    return Uninterrupted.call(() -> settler.changeVisibility(this, delay));
  }

  @Override
  protected CompletableFuture<Void> doDeadLetter(String reason) {
    outcome.complete(Outcome.DEAD_LETTER);
    return Uninterrupted.call(() -> settler.deadLetter(this, bodyBytes(), reason));
  }

  @Override
  protected CompletableFuture<Void> doRelease() {
    outcome.complete(Outcome.RELEASE);
    return Uninterrupted.call(() -> settler.changeVisibility(this, Duration.ZERO));
  }

  @Override
  protected CompletableFuture<Void> doExtendLease(Duration duration) {
    // Not extendedUntil: a shorter lease than the heartbeat gave must make the next beat come
    // sooner.
    visibleUntil = settler.now().plus(duration);
    return Uninterrupted.call(() -> settler.changeVisibility(this, duration));
  }

  @Override
  public String toString() {
    return "SqsDelivery{queue=" + queue() + ", messageId=" + messageId() + "}";
  }
}
