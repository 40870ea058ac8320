package io.jobcommon.messaging.tracing;

import io.jobcommon.messaging.spi.StandardHeaders;
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
  static final String AWS_TRACE_HEADER = StandardHeaders.AWS_TRACE_HEADER;

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
  static final TextMapGetter<Map<String, String>> HEADERS_GETTER = new HeaderGetter(false);

  /**
   * {@link #HEADERS_GETTER} for headers whose names are all lower-case ASCII ({@link
   * #lowerAsciiNames}), the usual case: a lower-case name that is not there by its exact name is
   * not there in any case, so a miss ({@code tracestate}, {@code baggage}) costs one lookup, not a
   * scan of every header.
   */
  static final TextMapGetter<Map<String, String>> LOWER_CASE_HEADERS_GETTER =
      new HeaderGetter(true);

  private static final class HeaderGetter implements TextMapGetter<Map<String, String>> {
    private final boolean lowerAsciiNames;

    HeaderGetter(boolean lowerAsciiNames) {
      this.lowerAsciiNames = lowerAsciiNames;
    }

    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public @Nullable String get(@Nullable Map<String, String> carrier, String key) {
      return carrier == null ? null : header(carrier, key, lowerAsciiNames);
    }
  }

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
    return header(headers, name, false);
  }

  /**
   * The header {@code name}, by exact name or else ignoring case. {@code lowerAsciiNames}: every
   * name in {@code headers} is lower-case ASCII, so a lower-case ASCII {@code name} that misses by
   * its exact name misses in any case.
   */
  static @Nullable String header(
      Map<String, String> headers, String name, boolean lowerAsciiNames) {
    String v = headers.get(name);
    if (v != null || (lowerAsciiNames && isLowerAscii(name))) {
      return v;
    }
    for (Map.Entry<String, String> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** The getter for {@code headers}: the cheaper one when every name is lower-case ASCII. */
  static TextMapGetter<Map<String, String>> getter(boolean lowerAsciiNames) {
    return lowerAsciiNames ? LOWER_CASE_HEADERS_GETTER : HEADERS_GETTER;
  }

  /** Whether every header name is lower-case ASCII (one pass over the names, no allocation). */
  static boolean lowerAsciiNames(Map<String, String> headers) {
    for (String name : headers.keySet()) {
      if (!isLowerAscii(name)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isLowerAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x80 || (c >= 'A' && c <= 'Z')) {
        return false;
      }
    }
    return true;
  }
}
