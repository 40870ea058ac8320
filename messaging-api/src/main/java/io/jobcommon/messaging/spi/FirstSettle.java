package io.jobcommon.messaging.spi;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The rule every {@link Delivery} keeps: the first settling verb ({@code ack}, {@code retryLater},
 * {@code deadLetter}, {@code release}) wins, and later ones do nothing. One instance per delivery;
 * a transport's delivery ({@link AbstractDelivery}) and a decorator that must act on the winning
 * verb only (the tracing layer records the outcome once) both ask it, so the rule is written once.
 *
 * <p>Thread-safe: of concurrent callers of {@link #claim()}, exactly one wins.
 */
public final class FirstSettle {
  // A field updater rather than an AtomicBoolean: one object per delivery, not two.
  private static final AtomicIntegerFieldUpdater<FirstSettle> SETTLED =
      AtomicIntegerFieldUpdater.newUpdater(FirstSettle.class, "settled");

  private volatile int settled;

  /** Whether this call is the first settle; true for exactly one call. */
  public boolean claim() {
    return SETTLED.compareAndSet(this, 0, 1);
  }

  /** Whether a settle has been claimed. */
  public boolean isSettled() {
    return settled != 0;
  }
}
