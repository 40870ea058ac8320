package io.jobcommon.messaging.tracing;

import static io.jobcommon.messaging.tracing.SemanticAttributes.ERROR_TYPE;

import io.jobcommon.messaging.spi.LogSafe;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The CONSUMER span of one delivery attempt and when it ends: once the handler has returned AND the
 * delivery is settled, whichever comes last, so a handler that settles later (asynchronously) still
 * gets its outcome on the span; at once when the handler throws. Thread-safe.
 */
final class ProcessSpan {
  private final Span span;
  private final long startNanos;
  private final MessagingMetrics metrics;
  private final Attributes metricAttributes;
  private final AtomicInteger pending = new AtomicInteger(2); // handler return + first settle
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile @Nullable String errorType;

  ProcessSpan(Span span, long startNanos, MessagingMetrics metrics, Attributes metricAttributes) {
    this.span = span;
    this.startNanos = startNanos;
    this.metrics = metrics;
    this.metricAttributes = metricAttributes;
  }

  Span span() {
    return span;
  }

  /** Marks the span failed with {@code error}. */
  void fail(Throwable error, @Nullable String description) {
    String type = SemanticAttributes.errorType(error);
    errorType = type;
    span.recordException(error);
    span.setAttribute(ERROR_TYPE, type);
    span.setStatus(StatusCode.ERROR, description != null ? description : LogSafe.of(error));
  }

  /** Marks the span failed for a reason that is not an exception. */
  void fail(String type, String description) {
    errorType = type;
    span.setAttribute(ERROR_TYPE, type);
    span.setStatus(StatusCode.ERROR, description);
  }

  /** The handler returned normally. */
  void handlerReturned() {
    countDown();
  }

  /** The handler threw: the transport takes the delivery back, so nothing will settle ours. */
  void handlerThrew(Throwable error) {
    fail(error, null);
    end();
  }

  /** The first settle verb was called (its outcome already recorded on the span). */
  void settled() {
    countDown();
  }

  private void countDown() {
    if (pending.decrementAndGet() == 0) {
      end();
    }
  }

  private void end() {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    span.end();
    String type = errorType;
    Attributes attributes =
        type == null
            ? metricAttributes
            : metricAttributes.toBuilder().put(ERROR_TYPE, type).build();
    metrics.processDuration.record(
        MessagingMetrics.seconds(System.nanoTime() - startNanos), attributes);
  }
}
