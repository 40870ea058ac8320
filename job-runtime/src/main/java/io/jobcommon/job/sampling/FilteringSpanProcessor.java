package io.jobcommon.job.sampling;

import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.function.Predicate;

/** Forwards the ended spans a filter accepts to a delegate; drops the others. Thread-safe. */
final class FilteringSpanProcessor implements SpanProcessor {
  /** Sampled spans, and recorded ones that ended in ERROR. */
  static final Predicate<ReadableSpan> SAMPLED_OR_ERROR =
      span -> span.getSpanContext().isSampled() || isError(span);

  /** Recorded spans that were not sampled and ended in ERROR. */
  static final Predicate<ReadableSpan> UNSAMPLED_ERROR =
      span -> !span.getSpanContext().isSampled() && isError(span);

  private final SpanProcessor delegate;
  private final Predicate<ReadableSpan> filter;
  private final String name;

  FilteringSpanProcessor(SpanProcessor delegate, Predicate<ReadableSpan> filter, String name) {
    this.delegate = delegate;
    this.filter = filter;
    this.name = name;
  }

  private static boolean isError(ReadableSpan span) {
    return span.toSpanData().getStatus().getStatusCode() == StatusCode.ERROR;
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
    if (filter.test(span)) {
      delegate.onEnd(span);
    }
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
    return name + "{" + delegate + "}";
  }
}
