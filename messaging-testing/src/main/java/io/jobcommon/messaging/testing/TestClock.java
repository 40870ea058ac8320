package io.jobcommon.messaging.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A clock that moves only when a test says so, so that delays, leases and retries can be tested
 * without waiting. An {@link InMemoryTransport} built on it wakes up on every {@link #advance}.
 *
 * <pre>{@code
 * TestClock clock = TestClock.create();
 * InMemoryTransport broker = InMemoryTransport.builder().setClock(clock).build();
 * ...
 * clock.advance(Duration.ofSeconds(2));   // a retry due in 2 s is delivered now
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class TestClock extends Clock {
  private final Object lock = new Object();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private Instant now;

  private TestClock(Instant start) {
    this.now = start;
  }

  /** A clock at 2026-01-01T00:00:00Z. */
  public static TestClock create() {
    return create(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /** A clock at {@code start}. */
  public static TestClock create(Instant start) {
    return new TestClock(Objects.requireNonNull(start, "start"));
  }

  /** Moves the clock forward by {@code duration} and wakes whoever waits on it. */
  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("a TestClock only moves forward: " + duration);
    }
    synchronized (lock) {
      now = now.plus(duration);
    }
    listeners.forEach(Runnable::run);
  }

  /** Runs {@code listener} after every {@link #advance}. */
  void onAdvance(Runnable listener) {
    listeners.add(listener);
  }

  /** Stops running {@code listener}. */
  void removeListener(Runnable listener) {
    listeners.remove(listener);
  }

  @Override
  public Instant instant() {
    synchronized (lock) {
      return now;
    }
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a TestClock is always UTC");
  }

  @Override
  public String toString() {
    return "TestClock{" + instant() + "}";
  }
}
