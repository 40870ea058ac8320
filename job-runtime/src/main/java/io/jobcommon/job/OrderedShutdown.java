package io.jobcommon.job;

import io.jobcommon.messaging.Dispatcher;
import io.jobcommon.messaging.spi.LogSafe;
import io.jobcommon.messaging.spi.Transport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way out, in the order that loses nothing: consumers stop taking messages and drain, the
 * broker connection flushes its pending acks and closes, telemetry (which saw all of that) is
 * flushed and shut down, the health endpoint goes last so it reports STOPPING while draining.
 *
 * <p>Bounded as a whole: draining and closing the broker share one deadline, the shutdown timeout
 * from the stop request; telemetry has its own budget after that. So the process is out within
 * {@code JOB_SHUTDOWN_TIMEOUT + JOB_TELEMETRY_FLUSH_TIMEOUT} whatever a handler, the broker or the
 * collector does; what is still running then is on daemon threads and is abandoned.
 */
final class OrderedShutdown {
  private static final Logger log = LoggerFactory.getLogger(OrderedShutdown.class);

  private OrderedShutdown() {}

  /**
   * Runs the shutdown steps one after the other, in order.
   *
   * @return whether the consumers drained and the broker connection closed in time
   */
  static boolean run(
      Duration shutdownTimeout,
      @Nullable Dispatcher dispatcher,
      @Nullable Transport ownedTransport,
      TelemetryShutdown telemetry,
      @Nullable HealthServer health) {
    long deadline = System.nanoTime() + shutdownTimeout.toNanos();
    boolean ok = true;
    if (dispatcher != null) {
      Duration handlerTimeout = ShutdownCappedTransport.handlerTimeout(shutdownTimeout);
      log.info(
          "stopping consumers; waiting up to {} ms for running handlers",
          handlerTimeout.toMillis());
      long start = System.nanoTime();
      ok = within(deadline, "draining the consumers", dispatcher::close);
      // A handler pool returns as soon as its handlers are done: one that took the whole handler
      // timeout had handlers still running, which it interrupted.
      if (ok && System.nanoTime() - start >= handlerTimeout.toNanos()) {
        log.warn(
            "handlers were still running after {} ms and were interrupted; their messages go back"
                + " to the queue",
            handlerTimeout.toMillis());
        ok = false;
      }
    }
    if (ownedTransport != null) {
      ok &= within(deadline, "closing the broker connection", ownedTransport::close);
    }
    telemetry.shutdown();
    if (health != null) {
      health.close();
    }
    log.info("job runtime stopped{}", ok ? "" : " (not everything finished in time)");
    return ok;
  }

  /** Runs {@code task} on its own daemon thread and waits for it until {@code deadline}. */
  private static boolean within(long deadline, String what, Runnable task) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                task.run();
                done.complete(null);
              } catch (Throwable e) {
                done.completeExceptionally(e);
              }
            },
            "jc-shutdown");
    t.setDaemon(true);
    t.start();
    long left = Math.max(0, deadline - System.nanoTime());
    try {
      done.get(left, TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      log.warn(
          "{} did not finish within the shutdown timeout (waited {} ms); messages not"
              + " acknowledged will be redelivered",
          what,
          TimeUnit.NANOSECONDS.toMillis(left));
    } catch (ExecutionException e) {
      // One line: the broker's exception text is neutralised, its stack trace is of no use here.
      log.warn("{} failed: {}", what, LogSafe.of(e.getCause(), 1024));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }
}
