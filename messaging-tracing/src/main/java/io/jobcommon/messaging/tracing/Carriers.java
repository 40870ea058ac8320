package io.jobcommon.messaging.tracing;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Getters and setters that let OpenTelemetry's propagators read and write message headers. */
final class Carriers {
  /**
   * The SQS system attribute that carries the X-Ray trace header. The SQS transport maps a header
   * of this name to and from the system attribute, so it does not count toward the ten message
   * attributes.
   */
  static final String AWS_TRACE_HEADER = "AWSTraceHeader";

  /** The HTTP header name the X-Ray propagator reads and writes. */
  static final String XRAY_HTTP_HEADER = "X-Amzn-Trace-Id";

  static final TextMapSetter<Map<String, String>> MAP_SETTER =
      (carrier, key, value) -> {
        if (carrier != null) {
          carrier.put(key, value);
        }
      };

  /**
   * Reads headers by exact name first; falls back to a case-insensitive match because some gateways
   * capitalize {@code Traceparent}.
   */
  static final TextMapGetter<Map<String, String>> HEADERS_GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public @Nullable String get(@Nullable Map<String, String> carrier, String key) {
          return carrier == null ? null : header(carrier, key);
        }
      };

  /** Lets the X-Ray propagator read the {@code AWSTraceHeader} header as its HTTP header. */
  static final TextMapGetter<Map<String, String>> XRAY_GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return java.util.List.of(XRAY_HTTP_HEADER);
        }

        @Override
        public @Nullable String get(@Nullable Map<String, String> carrier, String key) {
          if (carrier == null || !XRAY_HTTP_HEADER.equalsIgnoreCase(key)) {
            return null;
          }
          return carrier.get(AWS_TRACE_HEADER);
        }
      };

  private Carriers() {}

  static @Nullable String header(Map<String, String> headers, String name) {
    String v = headers.get(name);
    if (v != null) {
      return v;
    }
    for (Map.Entry<String, String> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }
}
