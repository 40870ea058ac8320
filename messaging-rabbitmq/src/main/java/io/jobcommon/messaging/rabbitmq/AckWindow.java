package io.jobcommon.messaging.rabbitmq;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The delivery tags of one channel incarnation, in arrival order, and which of them are settled:
 * decides when and how acks go out so that most of them share one {@code basic.ack multiple=true}.
 *
 * <p>A {@code multiple} ack up to tag T acks every unacked delivery ≤ T on the channel, so T is
 * only ever the highest waiting ack of the <em>settled prefix</em>: the deliveries before the first
 * one still open (being handled, or being re-published by a retry). Deliveries nacked individually
 * (released) are no longer outstanding at the broker and do not hold the prefix. Acks above the
 * first open delivery wait for it; once they have waited {@code linger}, or when too many wait,
 * they go out one by one, so the broker's prefetch window never fills with settled messages. T is
 * always a tag never acked before, since the broker rejects an ack of an unknown tag.
 *
 * <p>Pure bookkeeping, no I/O; not thread-safe: {@link ConsumerChannel} calls it under its lock,
 * and does what {@link Batch} says in the same critical section so acks reach the channel in
 * decision order.
 */
final class AckWindow {
  private static final byte OPEN = 0;
  private static final byte WAITING = 1; // acked by the application, not sent yet
  private static final byte SENT = 2; // acked alone, above an open delivery
  private static final byte NACKED = 3; // released by its own basic.nack

  /** What to send now, in this order: one multiple ack (if any), then single acks. */
  static final class Batch {
    /** The tag of the {@code multiple=true} ack, -1 for none. */
    long multipleTag = -1;

    /** Tags to ack one by one ({@code multiple=false}). */
    final List<Long> singles = new ArrayList<>();

    /** The futures of the acks in this batch, completed once it was sent. */
    final List<CompletableFuture<Void>> done = new ArrayList<>();

    boolean isEmpty() {
      return multipleTag < 0 && singles.isEmpty();
    }
  }

  private final int flushAt;
  private final int maxWaiting;
  private final long lingerNanos;
  private long[] tags = new long[64];
  private byte[] states = new byte[64];
  private long[] since = new long[64];
  private Object[] futures = new Object[64];
  private int head;
  private int size;
  private int firstOpen; // offset from head of the first OPEN delivery; size when none
  private int prefixWaiting; // WAITING deliveries before firstOpen
  private int waiting; // all WAITING deliveries

  /**
   * @param flushAt how many waiting acks of the settled prefix make a multiple ack go out at once
   * @param maxWaiting how many waiting acks in all make every one of them go out at once
   * @param lingerNanos how long an ack above an open delivery waits before it is sent alone
   */
  AckWindow(int flushAt, int maxWaiting, long lingerNanos) {
    this.flushAt = Math.max(1, flushAt);
    this.maxWaiting = Math.max(this.flushAt, maxWaiting);
    this.lingerNanos = lingerNanos;
  }

  /** The thresholds for a channel whose {@code basic.qos} is {@code qos}. */
  static AckWindow forQos(int qos, long lingerNanos) {
    return new AckWindow(qos / 10, qos / 2, lingerNanos);
  }

  /**
   * Tracks a new delivery; false (and nothing tracked) if {@code tag} is not above the last one,
   * which happens only on a new channel incarnation: the caller clears the window first.
   */
  boolean delivered(long tag) {
    if (size > 0 && tag <= tags[index(size - 1)]) {
      return false;
    }
    if (size == tags.length) {
      grow();
    }
    int i = index(size);
    tags[i] = tag;
    states[i] = OPEN;
    futures[i] = null;
    size++;
    return true;
  }

  /** What {@link #ack} did with an ack. */
  enum Outcome {
    /** Waits in the window; its future completes when a batch sends it. */
    WAITING,
    /** The tag is not tracked here: the caller acks it alone, at once. */
    UNKNOWN,
    /** The tag was settled before: nothing to send. */
    SETTLED
  }

  /** Records the application's ack of {@code tag}; {@code done} completes once it was sent. */
  Outcome ack(long tag, CompletableFuture<Void> done, long nowNanos) {
    int at = find(tag);
    if (at < 0) {
      return Outcome.UNKNOWN;
    }
    int i = index(at);
    if (states[i] != OPEN) {
      return Outcome.SETTLED;
    }
    states[i] = WAITING;
    since[i] = nowNanos;
    futures[i] = done;
    waiting++;
    advance();
    return Outcome.WAITING;
  }

  /** Records that {@code tag} was nacked alone (released); false if it was not open here. */
  boolean nacked(long tag) {
    int at = find(tag);
    if (at < 0 || states[index(at)] != OPEN) {
      return false;
    }
    states[index(at)] = NACKED;
    advance();
    return true;
  }

  /** Whether a batch should go out now rather than on the timer. */
  boolean isFlushDue() {
    return prefixWaiting >= flushAt || waiting >= maxWaiting;
  }

  /** Whether acks are waiting, so the timer must run. */
  boolean hasWaiting() {
    return waiting > 0;
  }

  /**
   * Takes what should go out now: the settled prefix's multiple ack, and the single acks above the
   * first open delivery that waited {@code linger} (all of them when {@code all}, or when too many
   * wait).
   */
  Batch take(long nowNanos, boolean all) {
    Batch batch = new Batch();
    if (prefixWaiting > 0) {
      for (int k = firstOpen - 1; k >= 0; k--) {
        int i = index(k);
        if (states[i] == WAITING) {
          batch.multipleTag = tags[i];
          break;
        }
      }
      for (int k = 0; k < firstOpen; k++) {
        collect(index(k), batch);
      }
      drop(firstOpen);
    }
    boolean everything = all || waiting >= maxWaiting;
    for (int k = firstOpen; k < size && waiting > 0; k++) {
      int i = index(k);
      if (states[i] == WAITING && (everything || nowNanos - since[i] >= lingerNanos)) {
        batch.singles.add(tags[i]);
        collect(i, batch);
        states[i] = SENT;
      }
    }
    return batch;
  }

  /**
   * Forgets everything (the channel is gone: the broker requeued every unacked delivery) and
   * returns the futures of the acks that were waiting.
   */
  List<CompletableFuture<Void>> clear() {
    List<CompletableFuture<Void>> dropped = new ArrayList<>();
    for (int k = 0; k < size; k++) {
      int i = index(k);
      if (states[i] == WAITING) {
        dropped.add(future(i));
      }
      futures[i] = null;
    }
    head = 0;
    size = 0;
    firstOpen = 0;
    prefixWaiting = 0;
    waiting = 0;
    return dropped;
  }

  /** How many deliveries are tracked (open, waiting, or sent above an open one). */
  int tracked() {
    return size;
  }

  private void collect(int i, Batch batch) {
    if (futures[i] != null) {
      batch.done.add(future(i));
      futures[i] = null;
    }
    if (states[i] == WAITING) {
      waiting--;
    }
  }

  @SuppressWarnings("unchecked")
  private CompletableFuture<Void> future(int i) {
    return (CompletableFuture<Void>) futures[i];
  }

  /** Moves firstOpen past settled deliveries; drops a prefix that has nothing to send. */
  private void advance() {
    while (firstOpen < size && states[index(firstOpen)] != OPEN) {
      if (states[index(firstOpen)] == WAITING) {
        prefixWaiting++;
      }
      firstOpen++;
    }
    if (prefixWaiting == 0 && firstOpen > 0) {
      drop(firstOpen); // only sent or nacked deliveries: nothing to ack
    }
  }

  private void drop(int n) {
    for (int k = 0; k < n; k++) {
      futures[index(k)] = null;
    }
    head = index(n);
    size -= n;
    firstOpen -= n;
    prefixWaiting = 0;
  }

  /** The offset from head of {@code tag}, -1 if not tracked. */
  private int find(long tag) {
    if (size == 0) {
      return -1;
    }
    long first = tags[head];
    long guess = tag - first;
    if (guess >= 0 && guess < size && tags[index((int) guess)] == tag) {
      return (int) guess; // tags are consecutive on a channel: the usual case
    }
    int lo = 0;
    int hi = size - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long t = tags[index(mid)];
      if (t < tag) {
        lo = mid + 1;
      } else if (t > tag) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  private int index(int offset) {
    return (head + offset) & (tags.length - 1);
  }

  private void grow() {
    int n = tags.length * 2;
    long[] t = new long[n];
    byte[] s = new byte[n];
    long[] w = new long[n];
    Object[] f = new Object[n];
    for (int k = 0; k < size; k++) {
      int i = index(k);
      t[k] = tags[i];
      s[k] = states[i];
      w[k] = since[i];
      f[k] = futures[i];
    }
    tags = t;
    states = s;
    since = w;
    futures = f;
    head = 0;
  }
}
