package io.jobcommon.job;

import io.opentelemetry.sdk.common.CompletableResultCode;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The runtime's telemetry flushes, each bounded by {@code JOB_TELEMETRY_FLUSH_TIMEOUT} whatever the
 * collector does (down, refusing, or accepting connections and never answering). A flush that did
 * not finish means the collector is unreachable: the final shutdown then waits only for what is
 * left of that flush's budget instead of a second full one, so a cron run exits within its job plus
 * one budget. Thread-safe.
 */
final class TelemetryShutdown {
  private final Telemetry telemetry;
  private final Duration budget;
  private final LongSupplier nanoTime;
  private final Object lock = new Object();
  private boolean flushFailed;
  private long failedFlushDeadline;

  TelemetryShutdown(Telemetry telemetry, Duration budget) {
    this(telemetry, budget, System::nanoTime);
  }

  TelemetryShutdown(Telemetry telemetry, Duration budget, LongSupplier nanoTime) {
    this.telemetry = telemetry;
    this.budget = budget;
    this.nanoTime = nanoTime;
  }

  /** The budget of one flush, and of the final shutdown. */
  Duration budget() {
    return budget;
  }

  /**
   * Exports what ended so far, waiting at most the budget.
   *
   * @return whether everything was exported in time
   */
  boolean flush() {
    long deadline = nanoTime.getAsLong() + budget.toNanos();
    boolean ok = telemetry.flush(budget);
    synchronized (lock) {
      flushFailed = !ok;
      failedFlushDeadline = deadline;
    }
    return ok;
  }

  /**
   * Flushes and shuts the SDK down within the budget, or within what is left of the last flush's
   * budget when that flush failed; logs the span counts.
   *
   * @return whether everything was exported in time
   */
  boolean shutdown() {
    return telemetry.shutdown(remaining());
  }

  /**
   * Calls {@code step} on a daemon thread of its own and returns its result: some SDK steps block
   * their caller (the metric reader's shutdown waits up to 5 s for a last export), and a deadline
   * only holds if the caller can stop waiting.
   */
  static CompletableResultCode inBackground(Supplier<CompletableResultCode> step) {
    CompletableResultCode out = new CompletableResultCode();
    Thread t =
        new Thread(
            () -> {
              try {
                CompletableResultCode r = step.get();
                r.whenComplete(() -> complete(out, r.isSuccess()));
              } catch (RuntimeException e) {
                out.fail();
              }
            },
            "jc-telemetry-shutdown");
    t.setDaemon(true);
    t.start();
    return out;
  }

  private static void complete(CompletableResultCode out, boolean success) {
    if (success) {
      out.succeed();
    } else {
      out.fail();
    }
  }

  Duration remaining() {
    synchronized (lock) {
      if (!flushFailed) {
        return budget;
      }
      return Duration.ofNanos(Math.max(0, failedFlushDeadline - nanoTime.getAsLong()));
    }
  }
}
