package io.jobcommon.benchmarks;

import io.jobcommon.messaging.spi.Callbacks;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Prints one line a second on stderr while a run goes on, so a long run shows it is alive and how
 * fast it goes: {@code progress <label> 3s sent=12000 (+4100/s) consumed=11800 (+4000/s)}. The
 * figures come from the run's {@link Meter}; the RESULT line on stdout stays the only result.
 * Thread-safe.
 */
final class Progress implements AutoCloseable {
  private final ScheduledExecutorService timer;

  private Progress(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /** Starts reporting {@code meter} on {@code err} every {@code periodMillis}. */
  static Progress start(Meter meter, String label, PrintStream err, long periodMillis) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "bench-progress");
              t.setDaemon(true);
              return t;
            });
    long started = System.nanoTime();
    long[] last = {0, 0};
    Callbacks.scheduleWithFixedDelay(
        timer,
        () -> {
          long sent = meter.sent();
          long consumed = meter.consumed();
          double seconds = periodMillis / 1000.0;
          err.println(
              String.format(
                  Locale.ROOT,
                  "progress %s %ds sent=%d (+%.0f/s) consumed=%d (+%.0f/s)",
                  label,
                  Math.round((System.nanoTime() - started) / 1e9),
                  sent,
                  (sent - last[0]) / seconds,
                  consumed,
                  (consumed - last[1]) / seconds));
          err.flush();
          last[0] = sent;
          last[1] = consumed;
        },
        periodMillis,
        periodMillis,
        TimeUnit.MILLISECONDS);
    return new Progress(timer);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
