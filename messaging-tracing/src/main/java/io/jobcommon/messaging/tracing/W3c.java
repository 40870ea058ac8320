package io.jobcommon.messaging.tracing;

import io.jobcommon.messaging.spi.StandardHeaders;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** W3C trace-context field names and formatting through OpenTelemetry's own propagator. */
final class W3c {
  static final String TRACEPARENT = StandardHeaders.TRACEPARENT;
  static final String TRACESTATE = StandardHeaders.TRACESTATE;
  static final String BAGGAGE = StandardHeaders.BAGGAGE;

  private W3c() {}

  /**
   * The W3C fields of the span in {@code context} ({@code traceparent}, maybe {@code tracestate}).
   */
  static Map<String, String> fields(SpanContext spanContext) {
    Map<String, String> out = new HashMap<>(4);
    if (spanContext.isValid()) {
      W3CTraceContextPropagator.getInstance()
          .inject(Context.root().with(Span.wrap(spanContext)), out, Carriers.MAP_SETTER);
    }
    return out;
  }

  static @Nullable String traceparent(Context context) {
    return fields(Span.fromContext(context).getSpanContext()).get(TRACEPARENT);
  }
}
