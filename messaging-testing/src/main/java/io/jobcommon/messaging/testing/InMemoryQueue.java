package io.jobcommon.messaging.testing;

import io.jobcommon.messaging.MessagingException;
import io.jobcommon.messaging.spi.DeadLetters;
import io.jobcommon.messaging.spi.QueueDepth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One queue: its messages, and the mechanics of receiving and settling them (leases, receipts,
 * visibility, dead-lettering, a subscription's in-flight limit). Messages keep their send order; a
 * message is available when it is visible and no lease holds it, and, in a FIFO group, when no
 * earlier message of the group is pending.
 *
 * <p>All queues of a transport share its lock (a dead letter moves a message between two queues,
 * and {@code awaitIdle} looks at all of them) and its condition. The receive and settle methods
 * take the lock themselves; the package-private fields and the other methods are used under it.
 */
final class InMemoryQueue {
  private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /** What every queue of a transport shares. */
  record Shared(
      ReentrantLock lock, Condition changed, Clock clock, Function<String, InMemoryQueue> queues) {}

  final String name;
  final List<Entry> entries = new ArrayList<>();
  final List<InMemoryMessage> arrived = new ArrayList<>();
  private final Shared shared;
  private long nextReceipt = 1;

  InMemoryQueue(String name, Shared shared) {
    this.name = name;
    this.shared = shared;
  }

  /** A stored message and its delivery state. */
  static final class Entry {
    final InMemoryMessage message;
    final @Nullable String groupId;
    Instant visibleAt;
    int receiveCount;
    long receipt;
    Instant leaseUntil = Instant.MIN;

    Entry(InMemoryMessage message, @Nullable String groupId, Instant visibleAt) {
      this.message = message;
      this.groupId = groupId;
      this.visibleAt = visibleAt;
    }

    boolean isLeased() {
      return receipt != 0;
    }
  }

  void add(Entry e) {
    entries.add(e);
    arrived.add(e.message);
  }

  /** Ends expired leases: their messages become visible when the lease ran out. */
  void expireLeases(Instant now) {
    for (Entry e : entries) {
      if (e.isLeased() && !e.leaseUntil.isAfter(now)) {
        e.receipt = 0;
        e.visibleAt = e.leaseUntil;
      }
    }
  }

  /** The first available message, or null. */
  @Nullable Entry firstAvailable(Instant now) {
    Set<String> blockedGroups = new HashSet<>();
    for (Entry e : entries) {
      if (e.groupId != null && blockedGroups.contains(e.groupId)) {
        continue;
      }
      if (!e.isLeased() && !e.visibleAt.isAfter(now)) {
        return e;
      }
      if (e.groupId != null) {
        blockedGroups.add(e.groupId);
      }
    }
    return null;
  }

  /** When something next changes by itself (a delay or a lease ends), or null. */
  @Nullable Instant nextEvent(Instant now) {
    Instant next = null;
    for (Entry e : entries) {
      Instant t = e.isLeased() ? e.leaseUntil : e.visibleAt;
      if (t.isAfter(now) && (next == null || t.isBefore(next))) {
        next = t;
      }
    }
    return next;
  }

  int inFlight() {
    int n = 0;
    for (Entry e : entries) {
      if (e.isLeased()) {
        n++;
      }
    }
    return n;
  }

  /** Ready (visible, not leased), in flight (leased) and delayed (not visible yet) counts. */
  QueueDepth depth(Instant now) {
    long inFlight = inFlight();
    long delayed = entries.stream().filter(e -> !e.isLeased() && e.visibleAt.isAfter(now)).count();
    return new QueueDepth(name, entries.size() - inFlight - delayed, inFlight, delayed);
  }

  boolean remove(Entry e) {
    for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
      if (it.next() == e) {
        it.remove();
        return true;
      }
    }
    return false;
  }

  // --- receiving, for a subscription's receiver thread ---

  /** Blocks until a delivery is due for {@code s}; null once it stops. */
  @Nullable InMemoryDelivery nextDelivery(InMemorySubscription s) {
    ReentrantLock lock = shared.lock();
    lock.lock();
    try {
      while (!s.closing) {
        Instant now = shared.clock().instant();
        expireLeases(now);
        if (s.unsettled < s.options().maxInFlight()) {
          Entry e = firstAvailable(now);
          if (e != null) {
            e.receiveCount++;
            e.receipt = nextReceipt++;
            e.leaseUntil = now.plus(s.options().lease());
            s.unsettled++;
            return new InMemoryDelivery(this, e, e.receipt, s, now);
          }
        }
        Instant next = nextEvent(now);
        long wait =
            next == null
                ? MAX_WAIT_NANOS
                : Math.min(MAX_WAIT_NANOS, Duration.between(now, next).toNanos());
        shared.changed().awaitNanos(Math.max(wait, 1));
      }
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      lock.unlock();
    }
  }

  /** A delivery of {@code s} was settled: it may receive one more. */
  void settled(InMemorySubscription s) {
    underLock(() -> s.unsettled--);
  }

  /** {@code s} stops receiving; its receiver thread returns. */
  void stopReceiving(InMemorySubscription s) {
    underLock(() -> s.closing = true);
  }

  boolean isClosing(InMemorySubscription s) {
    shared.lock().lock();
    try {
      return s.closing;
    } finally {
      shared.lock().unlock();
    }
  }

  private void underLock(Runnable change) {
    shared.lock().lock();
    try {
      change.run();
      shared.changed().signalAll();
    } finally {
      shared.lock().unlock();
    }
  }

  // --- settling, for deliveries: each holds the receipt of its lease ---

  CompletableFuture<Void> ack(Entry e, long receipt) {
    return withLease(e, receipt, now -> remove(e));
  }

  /** Makes {@code e} visible again after {@code delay}; {@code uncounted}: not a receive. */
  CompletableFuture<Void> makeVisible(Entry e, long receipt, Duration delay, boolean uncounted) {
    return withLease(
        e,
        receipt,
        now -> {
          e.receipt = 0;
          e.visibleAt = now.plus(delay);
          if (uncounted) {
            e.receiveCount--;
          }
        });
  }

  CompletableFuture<Void> extendLease(Entry e, long receipt, Duration duration) {
    return withLease(e, receipt, now -> e.leaseUntil = now.plus(duration));
  }

  /** Moves a copy of {@code e} with the reason headers to {@code <queue>-dlq}. */
  CompletableFuture<Void> deadLetter(Entry e, long receipt, String reason) {
    return withLease(
        e,
        receipt,
        now -> {
          remove(e);
          String dlq = DeadLetters.queueName(name);
          Map<String, String> headers =
              DeadLetters.headers(e.message.headers(), name, e.receiveCount, reason, now);
          InMemoryMessage copy =
              new InMemoryMessage(
                  UUID.randomUUID().toString(), dlq, e.message.bodyBytes(), headers, now);
          shared.queues().apply(dlq).add(new Entry(copy, e.groupId, now));
        });
  }

  private interface LeaseAction {
    void apply(Instant now);
  }

  private CompletableFuture<Void> withLease(Entry e, long receipt, LeaseAction action) {
    shared.lock().lock();
    try {
      Instant now = shared.clock().instant();
      if (e.receipt != receipt || !e.leaseUntil.isAfter(now) || !entries.contains(e)) {
        return CompletableFuture.failedFuture(
            new MessagingException(
                "the lease of message "
                    + e.message.id()
                    + " on queue "
                    + name
                    + " expired before it was settled; it was or will be redelivered"));
      }
      action.apply(now);
      shared.changed().signalAll();
      return CompletableFuture.completedFuture(null);
    } finally {
      shared.lock().unlock();
    }
  }
}
