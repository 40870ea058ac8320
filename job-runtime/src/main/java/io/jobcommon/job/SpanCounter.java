package io.jobcommon.job;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts spans from the moment they are handed to the exporting processor until the exporter says
 * they arrived, so that the shutdown log line can state how many were exported and how many were
 * lost (a full queue, a failed export, a flush that ran out of time). The SDK's own metrics say the
 * same over time; these totals are for the one line at the end. Thread-safe.
 */
final class SpanCounter {
  private final LongAdder queued = new LongAdder();
  private final LongAdder exported = new LongAdder();
  private final LongAdder failed = new LongAdder();

  /** Spans the exporter confirmed. */
  long exported() {
    return exported.sum();
  }

  /** Spans in exports that failed. */
  long failed() {
    return failed.sum();
  }

  /** Spans handed to the exporting processor that were not exported. */
  long dropped() {
    return Math.max(0, queued.sum() - exported.sum());
  }

  /** {@code processor}, counting the sampled spans it is given. */
  SpanProcessor wrap(SpanProcessor processor) {
    return new CountingProcessor(processor);
  }

  /** {@code exporter}, counting what it exports and fails to export. */
  SpanExporter wrap(SpanExporter exporter) {
    return new CountingExporter(exporter);
  }

  private final class CountingProcessor implements SpanProcessor {
    private final SpanProcessor delegate;

    CountingProcessor(SpanProcessor delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
      delegate.onStart(parentContext, span);
    }

    @Override
    public boolean isStartRequired() {
      return delegate.isStartRequired();
    }

    @Override
    public void onEnd(ReadableSpan span) {
      // The batch processor exports only sampled spans; count what it will try to export.
      if (span.getSpanContext().isSampled()) {
        queued.increment();
      }
      delegate.onEnd(span);
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }

    @Override
    public CompletableResultCode forceFlush() {
      return delegate.forceFlush();
    }

    @Override
    public String toString() {
      return "Counting(" + delegate + ")";
    }
  }

  private final class CountingExporter implements SpanExporter {
    private final SpanExporter delegate;

    CountingExporter(SpanExporter delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      int n = spans.size();
      CompletableResultCode result = delegate.export(spans);
      result.whenComplete(
          () -> {
            if (result.isSuccess()) {
              exported.add(n);
            } else {
              failed.add(n);
            }
          });
      return result;
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }

    @Override
    public String toString() {
      return "Counting(" + delegate + ")";
    }
  }
}
