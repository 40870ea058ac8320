package io.jobcommon.job;

import io.jobcommon.messaging.Dispatcher;
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
 * flushed and shut down, the health endpoint goes last so it reports STOPPING while draining. Each
 * step is bounded, so a stuck handler cannot keep the process past its grace period.
 */
final class OrderedShutdown {
  private static final Logger log = LoggerFactory.getLogger(OrderedShutdown.class);

  static final Duration TRANSPORT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private OrderedShutdown() {}

  /**
   * @return whether the consumers drained and the broker connection closed in time
   */
  static boolean run(
      Duration drainTimeout,
      @Nullable Dispatcher dispatcher,
      @Nullable Transport ownedTransport,
      Telemetry telemetry,
      @Nullable HealthServer health) {
    boolean ok = true;
    if (dispatcher != null) {
      log.info(
          "stopping consumers; waiting up to {} ms for running handlers", drainTimeout.toMillis());
      ok = within(drainTimeout, "draining the consumers", dispatcher::close);
    }
    if (ownedTransport != null) {
      ok &= within(TRANSPORT_CLOSE_TIMEOUT, "closing the broker connection", ownedTransport::close);
    }
    telemetry.shutdown(JobRuntime.FLUSH_TIMEOUT);
    if (health != null) {
      health.close();
    }
    log.info("job runtime stopped{}", ok ? "" : " (not everything finished in time)");
    return ok;
  }

  /** Runs {@code task} on its own thread and waits at most {@code timeout} for it. */
  private static boolean within(Duration timeout, String what, Runnable task) {
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
    try {
      done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      log.warn(
          "{} did not finish within {} ms; messages not acknowledged will be redelivered",
          what,
          timeout.toMillis());
    } catch (ExecutionException e) {
      log.warn("{} failed", what, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }
}
