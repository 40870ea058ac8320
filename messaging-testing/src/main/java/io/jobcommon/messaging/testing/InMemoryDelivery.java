package io.jobcommon.messaging.testing;

import io.jobcommon.messaging.spi.AbstractDelivery;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A delivery of an {@link InMemoryTransport}: its queue settles it by the lease's receipt.
 * Thread-safe.
 */
final class InMemoryDelivery extends AbstractDelivery {
  private final InMemoryQueue queue;
  private final InMemoryQueue.Entry entry;
  private final long receipt;
  private final InMemorySubscription subscription;

  InMemoryDelivery(
      InMemoryQueue queue,
      InMemoryQueue.Entry entry,
      long receipt,
      InMemorySubscription subscription,
      Instant receivedAt) {
    super(
        queue.name,
        entry.message.id(),
        entry.message.bodyBytes(),
        entry.message.headers(),
        entry.receiveCount,
        receivedAt);
    this.queue = queue;
    this.entry = entry;
    this.receipt = receipt;
    this.subscription = subscription;
  }

  @Override
  public Optional<Instant> sentAt() {
    return Optional.of(entry.message.sentAt());
  }

  @Override
  protected void onSettled() {
    subscription.settled();
  }

  @Override
  protected CompletableFuture<Void> doAck() {
    return queue.ack(entry, receipt);
  }

  @Override
  protected CompletableFuture<Void> doRetryLater(Duration delay) {
    return queue.makeVisible(entry, receipt, delay, false);
  }

  @Override
  protected CompletableFuture<Void> doDeadLetter(String reason) {
    return queue.deadLetter(entry, receipt, reason);
  }

  @Override
  protected CompletableFuture<Void> doRelease() {
    return queue.makeVisible(entry, receipt, Duration.ZERO, true);
  }

  @Override
  protected CompletableFuture<Void> doExtendLease(Duration duration) {
    return queue.extendLease(entry, receipt, duration);
  }
}
