package io.jobcommon.messaging.tracing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Lets one warning through per interval, so a producer that sends garbage cannot flood the log; the
 * ones held back are counted and reported with the next one let through. Thread-safe.
 */
final class RateLimitedWarning {
  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final AtomicLong nextAllowed;
  private final AtomicLong suppressed = new AtomicLong();

  RateLimitedWarning(Duration interval) {
    this(interval, System::nanoTime);
  }

  RateLimitedWarning(Duration interval, LongSupplier nanoTime) {
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
    this.nextAllowed = new AtomicLong(nanoTime.getAsLong());
  }

  /**
   * Whether a warning may be logged now; if so, returns how many were held back since the last one
   * (≥ 0), otherwise -1.
   */
  long tryAcquire() {
    long now = nanoTime.getAsLong();
    long next = nextAllowed.get();
    if (now - next >= 0 && nextAllowed.compareAndSet(next, now + intervalNanos)) {
      return suppressed.getAndSet(0);
    }
    suppressed.incrementAndGet();
    return -1;
  }
}
