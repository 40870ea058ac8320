package io.jobcommon.messaging.spi;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Callbacks and timer tasks run for their effect. {@code future.whenComplete(action)} returns a
 * stage that nobody reads, and a scheduled task's exception stays in a future nobody reads (a
 * periodic task even stops for good): an exception {@code action} or a task throws would vanish.
 * These methods log it instead. A callback still sees the future's own failure and handles it.
 *
 * <p>Stateless and thread-safe.
 */
public final class Callbacks {
  private static final Logger log = LoggerFactory.getLogger(Callbacks.class);

  private Callbacks() {}

  /**
   * Runs {@code action} with the result or the failure of {@code future} once it completes (at once
   * if it has), on the completing thread. An exception {@code action} throws is logged.
   */
  public static <T> void whenDone(
      CompletableFuture<T> future, BiConsumer<? super T, ? super Throwable> action) {
    CompletableFuture<T> unused =
        future.whenComplete(
            (value, error) -> {
              try {
                action.accept(value, error);
              } catch (RuntimeException e) {
                log.error("a completion callback failed: {}", CompactStack.of(e, 8));
              }
            });
  }

  /**
   * Schedules {@code task} once, after {@code delay}; an exception it throws is logged. The future
   * is for cancelling and may be dropped.
   */
  @CanIgnoreReturnValue
  public static ScheduledFuture<?> schedule(
      ScheduledExecutorService scheduler, Runnable task, long delay, TimeUnit unit) {
    return scheduler.schedule(logging(task), delay, unit);
  }

  /**
   * Schedules {@code task} every {@code delay} after the end of the previous run; an exception a
   * run throws is logged and the next run still happens. The future is for cancelling and may be
   * dropped.
   */
  @CanIgnoreReturnValue
  public static ScheduledFuture<?> scheduleWithFixedDelay(
      ScheduledExecutorService scheduler,
      Runnable task,
      long initialDelay,
      long delay,
      TimeUnit unit) {
    return scheduler.scheduleWithFixedDelay(logging(task), initialDelay, delay, unit);
  }

  private static Runnable logging(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("a scheduled task failed: {}", CompactStack.of(e, 8));
      }
    };
  }
}
