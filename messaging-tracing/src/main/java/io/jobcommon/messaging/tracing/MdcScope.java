package io.jobcommon.messaging.tracing;

import io.opentelemetry.api.trace.SpanContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Puts a span's ids in the SLF4J MDC under the keys the OpenTelemetry logback/log4j integrations
 * use, and on close puts back whatever was there before, so nothing outlives the message on a
 * pooled thread. Use in try-with-resources on the thread that opened it.
 */
final class MdcScope implements AutoCloseable {
  static final String TRACE_ID = "trace_id";
  static final String SPAN_ID = "span_id";
  static final String TRACE_FLAGS = "trace_flags";

  private final @Nullable String previousTraceId;
  private final @Nullable String previousSpanId;
  private final @Nullable String previousFlags;

  private MdcScope(SpanContext spanContext) {
    previousTraceId = MDC.get(TRACE_ID);
    previousSpanId = MDC.get(SPAN_ID);
    previousFlags = MDC.get(TRACE_FLAGS);
    if (spanContext.isValid()) {
      MDC.put(TRACE_ID, spanContext.getTraceId());
      MDC.put(SPAN_ID, spanContext.getSpanId());
      MDC.put(TRACE_FLAGS, spanContext.getTraceFlags().asHex());
    }
  }

  static MdcScope open(SpanContext spanContext) {
    return new MdcScope(spanContext);
  }

  @Override
  public void close() {
    restore(TRACE_ID, previousTraceId);
    restore(SPAN_ID, previousSpanId);
    restore(TRACE_FLAGS, previousFlags);
  }

  private static void restore(String key, @Nullable String previous) {
    if (previous == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, previous);
    }
  }
}
