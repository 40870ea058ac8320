package io.jobcommon.messaging.sqs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Keeps FIFO order per message group with several handler threads: at most one message of a group
 * runs at a time, and the next starts only when the previous one's handler returned and it was
 * removed (ack or dead-letter). When one is retried or released instead, the group's waiting
 * messages are released too, so SQS hands them out again after it, in order. Thread-safe.
 */
final class GroupSequencer {
  private final Consumer<SqsDelivery> start;
  private final Consumer<SqsDelivery> release;
  private final Map<String, ArrayDeque<SqsDelivery>> waiting = new HashMap<>();
  private final Object lock = new Object();
  private boolean closed;

  /**
   * @param start runs a delivery (hands it to the handler pool)
   * @param release gives a delivery back to the queue
   */
  GroupSequencer(Consumer<SqsDelivery> start, Consumer<SqsDelivery> release) {
    this.start = start;
    this.release = release;
  }

  private static String key(SqsDelivery d) {
    return d.groupId() == null ? "" : d.groupId();
  }

  /** A new delivery: runs now if its group is idle, else waits for its turn. */
  void offer(SqsDelivery d) {
    boolean runNow;
    boolean refuse;
    synchronized (lock) {
      refuse = closed;
      ArrayDeque<SqsDelivery> q = waiting.get(key(d));
      runNow = !refuse && q == null;
      if (runNow) {
        waiting.put(key(d), new ArrayDeque<>());
      } else if (!refuse && q != null) { // q != null whenever !runNow
        q.add(d);
      }
    }
    if (refuse) {
      release.accept(d);
    } else if (runNow) {
      start.accept(d);
    }
  }

  /** {@code d}'s handler returned and it was settled: starts the group's next, or releases them. */
  void finished(SqsDelivery d, boolean removed) {
    SqsDelivery next = null;
    List<SqsDelivery> giveBack = new ArrayList<>();
    synchronized (lock) {
      ArrayDeque<SqsDelivery> q = waiting.get(key(d));
      if (q == null) {
        return;
      }
      if (removed && !closed) {
        next = q.poll();
      } else {
        giveBack.addAll(q);
        q.clear();
      }
      if (next == null) {
        waiting.remove(key(d));
      }
    }
    if (next != null) {
      start.accept(next);
    }
    giveBack.forEach(release);
  }

  /** Stops starting deliveries; returns those waiting for their turn (the caller releases them). */
  List<SqsDelivery> close() {
    List<SqsDelivery> out = new ArrayList<>();
    synchronized (lock) {
      closed = true;
      waiting.values().forEach(out::addAll);
      waiting.values().forEach(ArrayDeque::clear);
    }
    return out;
  }
}
