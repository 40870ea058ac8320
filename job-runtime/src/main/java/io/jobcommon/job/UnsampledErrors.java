package io.jobcommon.job;

import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * For {@code JOB_TRACES_KEEP_ERRORS}: hands a batch processor only the spans the head sampler did
 * not sample (they are recorded, see {@code JobSampling.keepingErrors}) and that ended in ERROR.
 * The sampled ones are exported by the configured processors already. Thread-safe.
 */
final class UnsampledErrors implements SpanProcessor {
  private final SpanProcessor delegate;

  private UnsampledErrors(SpanProcessor delegate) {
    this.delegate = delegate;
  }

  /** A processor exporting unsampled ERROR spans through {@code exporter}. */
  static SpanProcessor exporter(SpanExporter exporter) {
    return new UnsampledErrors(
        BatchSpanProcessor.builder(exporter).setExportUnsampledSpans(true).build());
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {}

  @Override
  public boolean isStartRequired() {
    return false;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    if (!span.getSpanContext().isSampled()
        && span.toSpanData().getStatus().getStatusCode() == StatusCode.ERROR) {
      delegate.onEnd(span);
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  @Override
  public CompletableResultCode forceFlush() {
    return delegate.forceFlush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }
}
