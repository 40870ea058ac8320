package io.jobcommon.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Drives one {@link Workload} for one run: producer threads that keep at most {@code confirmWindow}
 * unconfirmed sends each and at most {@code maxBacklog} unconsumed messages in all, until the count
 * or the duration is reached; then waits until everything sent was consumed. Rates: sent / time
 * until the last confirm; consumed / time until the last receipt.
 */
final class LoadRun {
  private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(30);
  static final long PROGRESS_MILLIS = 1000;

  private final BenchOptions options;
  private final Meter meter = new Meter();
  private final Semaphore backlog;
  private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
  private final @Nullable PrintStream progress;
  private final String label;

  LoadRun(BenchOptions options) {
    this(options, null, "");
  }

  /**
   * A run that prints a progress line a second on {@code progress} (stderr), named {@code label}.
   */
  LoadRun(BenchOptions options, @Nullable PrintStream progress, String label) {
    this.options = options;
    this.backlog = new Semaphore(options.maxBacklog());
    this.progress = progress;
    this.label = label;
  }

  @SuppressWarnings("try") // the reporter is only held open for the run
  Result run(Workload workload) throws Exception {
    try (Progress ignored =
        progress == null ? null : Progress.start(meter, label, progress, PROGRESS_MILLIS)) {
      return measure(workload);
    }
  }

  private Result measure(Workload workload) throws Exception {
    HeapPeak heap = new HeapPeak();
    heap.reset();
    ClientCost cost = ClientCost.start();
    workload.startConsumers(
        body -> {
          meter.consumed(body);
          backlog.release();
        },
        error -> failure.compareAndSet(null, error));
    long start = System.nanoTime();
    long deadline = options.messages() > 0 ? Long.MAX_VALUE : start + options.duration().toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < options.producers(); i++) {
      long quota = quota(i);
      Workload.Producer producer = workload.producer();
      Thread t =
          new Thread(
              () -> {
                try {
                  produce(producer, quota, deadline);
                } finally {
                  cost.threadEnding();
                }
              },
              "bench-producer-" + i);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    long sendEnd = System.nanoTime();
    awaitConsumed();
    Map<String, String> costs = cost.stop(meter.consumed());
    double heapPeak = heap.megabytes();
    workload.close();
    Throwable error = failure.get();
    if (error != null) {
      throw new IllegalStateException("the run failed: " + error, error);
    }
    double sendSeconds = (sendEnd - start) / 1e9;
    double consumeSeconds = Math.max(meter.lastConsumedNanos() - start, 1) / 1e9;
    Result r =
        new Result(
            options.broker(),
            options.client(),
            options.tracing(),
            meter.sent(),
            meter.consumed(),
            meter.sent() / sendSeconds,
            meter.consumed() / consumeSeconds,
            meter.percentileMillis(50),
            meter.percentileMillis(99),
            heapPeak,
            workload.figures());
    for (Map.Entry<String, String> e : costs.entrySet()) {
      r = r.with(e.getKey(), e.getValue());
    }
    return meter.failed() > 0 ? r.with("send_failed", meter.failed()) : r;
  }

  private long quota(int producer) {
    long all = options.messages();
    if (all <= 0) {
      return Long.MAX_VALUE;
    }
    long each = all / options.producers();
    return producer == 0 ? each + all % options.producers() : each;
  }

  private void produce(Workload.Producer producer, long quota, long deadline) {
    Payloads payloads = new Payloads(options.bodySize());
    Semaphore window = new Semaphore(options.confirmWindow());
    Workload.SendCallback done =
        (n, error) -> {
          if (error == null) {
            meter.sent(n);
          } else {
            meter.failed(n);
            backlog.release(n);
            failure.compareAndSet(null, error);
          }
          window.release(n);
        };
    try (producer) {
      for (long i = 0; i < quota && System.nanoTime() < deadline && failure.get() == null; i++) {
        acquire(backlog, 1, "the consumers to catch up (backlog full)");
        acquire(window, 1, "publisher confirms");
        producer.send(payloads.next(), done);
      }
      producer.flush(done);
      acquire(window, options.confirmWindow(), "the last publisher confirms");
    } catch (Exception e) {
      failure.compareAndSet(null, e);
    }
  }

  /** Waits for permits; gives up when the run failed elsewhere or after 30 s. */
  private void acquire(Semaphore s, int permits, String what) throws InterruptedException {
    long deadline = System.nanoTime() + STALL_NANOS;
    while (!s.tryAcquire(permits, 100, TimeUnit.MILLISECONDS)) {
      Throwable error = failure.get();
      if (error != null) {
        throw new IllegalStateException("gave up waiting for " + what + ": " + error, error);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("waited 30 s for " + what + "; is the broker stuck?");
      }
    }
  }

  /** Waits until every sent message was consumed, or nothing arrived for 30 s. */
  private void awaitConsumed() throws InterruptedException {
    long lastProgress = System.nanoTime();
    long seen = meter.consumed();
    while (meter.consumed() < meter.sent() && failure.get() == null) {
      TimeUnit.MILLISECONDS.sleep(5);
      long now = meter.consumed();
      if (now != seen) {
        seen = now;
        lastProgress = System.nanoTime();
      } else if (System.nanoTime() - lastProgress > STALL_NANOS) {
        failure.compareAndSet(
            null,
            new IllegalStateException(
                "consumed " + now + " of " + meter.sent() + " messages; nothing arrived for 30 s"));
      }
    }
  }
}
