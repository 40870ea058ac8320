package io.jobcommon.messaging.testing;

import io.jobcommon.messaging.spi.QueueDepth;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One queue's state. Not thread-safe on its own: every method runs under the transport's lock.
 * Messages keep their send order; a message is available when it is visible and no lease holds it,
 * and, in a FIFO group, when no earlier message of the group is pending.
 */
final class InMemoryQueue {
  final String name;
  final List<Entry> entries = new ArrayList<>();
  final List<InMemoryMessage> arrived = new ArrayList<>();

  InMemoryQueue(String name) {
    this.name = name;
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
}
