package io.jobcommon.messaging.sqs;

import io.jobcommon.messaging.spi.Futures;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Notices an SQS endpoint that stopped answering (a half-open connection, a frozen endpoint, a
 * network path that swallows packets), which fails no call for a long time: the SDK waits for its
 * read timeout and retries. Every call to SQS is watched; one still unanswered {@code stallTimeout}
 * after it was due (at once for sends, acks and visibility changes; after its wait for a long poll)
 * makes the transport unhealthy, with one WARN; the first answer after that (any HTTP answer, an
 * error included) makes it healthy again, with one INFO. Thread-safe.
 */
final class StallWatchdog {
  private static final Logger log = LoggerFactory.getLogger(StallWatchdog.class);
  static final Duration TICK = Duration.ofMillis(500);

  private record Call(String operation, long startNanos, long dueNanos) {}

  private final long stallNanos;
  private final LongSupplier nanoTime;
  private final Map<Object, Call> outstanding = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private volatile boolean stalled;
  private volatile long lastAnswer = Long.MIN_VALUE;
  private long stalledSince;
  private @Nullable ScheduledFuture<?> ticker;

  StallWatchdog(Duration stallTimeout, LongSupplier nanoTime) {
    this.stallNanos = stallTimeout.toNanos();
    this.nanoTime = nanoTime;
  }

  /** Checks every {@link #TICK} on {@code scheduler} until {@link #stop()}. */
  void start(ScheduledExecutorService scheduler) {
    synchronized (lock) {
      ticker =
          scheduler.scheduleWithFixedDelay(
              this::check, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  void stop() {
    synchronized (lock) {
      if (ticker != null) {
        ticker.cancel(false);
      }
    }
  }

  /** Whether a call has gone unanswered past its due time plus the stall timeout. */
  boolean isStalled() {
    return stalled;
  }

  /**
   * Makes the call {@code call} and watches it: it is due {@code expected} after it starts (the
   * wait of a long poll; zero for other calls).
   */
  <T> CompletableFuture<T> watch(
      String operation, Duration expected, Supplier<CompletableFuture<T>> call) {
    Object token = new Object();
    long start = nanoTime.getAsLong();
    outstanding.put(token, new Call(operation, start, start + expected.toNanos()));
    CompletableFuture<T> f;
    try {
      f = call.get();
    } catch (RuntimeException | Error e) {
      outstanding.remove(token);
      throw e;
    }
    f.whenComplete(
        (response, error) -> {
          outstanding.remove(token);
          if (error == null || Futures.unwrap(error) instanceof AwsServiceException) {
            answered();
          }
        });
    return f;
  }

  private void answered() {
    lastAnswer = nanoTime.getAsLong();
    if (stalled) {
      check();
    }
  }

  /** Turns stalled when a call is overdue, and healthy again once none is and SQS answered. */
  void check() {
    long now = nanoTime.getAsLong();
    Call oldest = null;
    for (Call c : outstanding.values()) {
      if (now - c.dueNanos() > stallNanos
          && (oldest == null || c.startNanos() < oldest.startNanos())) {
        oldest = c;
      }
    }
    synchronized (lock) {
      if (oldest != null && !stalled) {
        stalled = true;
        stalledSince = now;
        log.warn(
            "SQS has not answered a {} sent {} ms ago ({} call(s) waiting; stall timeout {} ms):"
                + " the transport reports unhealthy until SQS answers again (logged once)",
            oldest.operation(),
            TimeUnit.NANOSECONDS.toMillis(now - oldest.startNanos()),
            outstanding.size(),
            TimeUnit.NANOSECONDS.toMillis(stallNanos));
      } else if (oldest == null && stalled && answeredSince(stalledSince)) {
        stalled = false;
        log.info(
            "SQS answers again, {} ms after it was found stalled",
            TimeUnit.NANOSECONDS.toMillis(now - stalledSince));
      }
    }
  }

  private boolean answeredSince(long since) {
    long last = lastAnswer;
    return last != Long.MIN_VALUE && last - since >= 0;
  }
}
