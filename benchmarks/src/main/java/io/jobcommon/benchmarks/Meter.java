package io.jobcommon.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Counts one run's sends and receipts and records end-to-end latency (send time stamped in the
 * body, to the handler's call) in microseconds. Thread-safe.
 */
final class Meter {
  private static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(10);

  private final LongAdder sent = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder consumed = new LongAdder();
  private final AtomicLong lastConsumedNanos = new AtomicLong();
  private final Histogram latency = new ConcurrentHistogram(MAX_LATENCY_MICROS, 2);

  void sent(int count) {
    sent.add(count);
  }

  void failed(int count) {
    failed.add(count);
  }

  /** A message reached a handler; {@code body} carries its send time. */
  void consumed(byte[] body) {
    long now = System.nanoTime();
    long micros = Math.max(0, (now - Payloads.sentAt(body)) / 1000);
    latency.recordValue(Math.min(micros, MAX_LATENCY_MICROS));
    consumed.increment();
    lastConsumedNanos.accumulateAndGet(now, Math::max);
  }

  long sent() {
    return sent.sum();
  }

  long failed() {
    return failed.sum();
  }

  long consumed() {
    return consumed.sum();
  }

  long lastConsumedNanos() {
    return lastConsumedNanos.get();
  }

  double percentileMillis(double percentile) {
    return latency.getValueAtPercentile(percentile) / 1000.0;
  }
}
