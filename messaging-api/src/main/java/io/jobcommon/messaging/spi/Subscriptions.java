package io.jobcommon.messaging.spi;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How a transport (and the dispatcher) closes its subscriptions: all at once, so a shutdown with N
 * consumers takes about one consumer's shutdown timeout, not N of them. Stateless and thread-safe.
 */
public final class Subscriptions {
  private Subscriptions() {}

  /**
   * Closes every subscription in {@code subscriptions} gracefully ({@link Subscription#close()}),
   * each on a thread of its own, and returns when all have closed. Each close is bounded by its
   * consumer's shutdown timeout, so the whole is bounded by the longest of them. The closing
   * threads are daemon threads if the caller's is, so a caller with a deadline of its own can
   * abandon them.
   *
   * <p>If the calling thread is interrupted while waiting, this stops waiting, leaves the closes
   * running and returns with the interrupt flag set.
   *
   * @throws RuntimeException the first close that failed, after every close has finished, with the
   *     other failures added as suppressed
   */
  public static void closeAll(Collection<? extends Subscription> subscriptions) {
    List<Subscription> all = List.copyOf(subscriptions);
    if (all.isEmpty()) {
      return;
    }
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    if (all.size() == 1) { // no thread for the common case of one consumer
      close(all.get(0), failure);
    } else {
      List<Thread> closers = new ArrayList<>(all.size());
      for (Subscription s : all) {
        Thread t = new Thread(() -> close(s, failure), "jc-close-" + LogSafe.of(s.queue(), 64));
        t.start();
        closers.add(t);
      }
      try {
        for (Thread t : closers) {
          t.join();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    RuntimeException first = failure.get();
    if (first != null) {
      throw first;
    }
  }

  private static void close(Subscription s, AtomicReference<RuntimeException> failure) {
    try {
      s.close();
    } catch (RuntimeException e) {
      RuntimeException first = failure.compareAndExchange(null, e);
      if (first != null) {
        first.addSuppressed(e); // synchronized in Throwable
      }
    }
  }
}
