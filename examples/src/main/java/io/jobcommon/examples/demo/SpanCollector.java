package io.jobcommon.examples.demo;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

/**
 * Keeps every span exported to it, from any number of tracer providers, and lets a caller wait for
 * a condition on them. Use it behind a {@code SimpleSpanProcessor} so a span is here as soon as it
 * ends. Thread-safe.
 */
final class SpanCollector implements SpanExporter {
  private final Object lock = new Object();
  private final List<SpanData> spans = new ArrayList<>();

  @Override
  public CompletableResultCode export(Collection<SpanData> batch) {
    synchronized (lock) {
      spans.addAll(batch);
      lock.notifyAll();
    }
    return CompletableResultCode.ofSuccess();
  }

  /** A copy of the spans so far, in the order they ended. */
  List<SpanData> spans() {
    synchronized (lock) {
      return List.copyOf(spans);
    }
  }

  /**
   * Waits until {@code done} holds for the spans so far, checking again each time spans arrive.
   *
   * @return whether it held within {@code timeout}
   */
  boolean await(Predicate<List<SpanData>> done, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (!done.test(List.copyOf(spans))) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }
}
