package io.jobcommon.messaging.tracing.sdk;

import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/** Forwards ended spans that are sampled or have status ERROR; drops the other recorded ones. */
final class SampledOrErrorSpanProcessor implements SpanProcessor {
  private final SpanProcessor delegate;

  SampledOrErrorSpanProcessor(SpanProcessor delegate) {
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
    if (span.getSpanContext().isSampled()
        || span.toSpanData().getStatus().getStatusCode() == StatusCode.ERROR) {
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
    return "SampledOrError{" + delegate + "}";
  }
}
