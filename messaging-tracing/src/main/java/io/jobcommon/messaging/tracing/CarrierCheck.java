package io.jobcommon.messaging.tracing;

import org.jspecify.annotations.Nullable;

/**
 * Cheap checks that run before a carrier value reaches a propagator, so a hostile producer cannot
 * make us parse megabytes or smuggle control characters into logs and attributes. OpenTelemetry's
 * propagators do the actual parsing; these only reject what no valid value can be. Stateless.
 */
final class CarrierCheck {
  /** W3C: 55 characters for version 00; later versions may append fields. */
  static final int MAX_TRACEPARENT = 256;

  /** W3C: vendors must propagate at least 512 characters; more is treated as hostile. */
  static final int MAX_TRACESTATE = 512;

  /** W3C baggage: at most 8,192 bytes. */
  static final int MAX_BAGGAGE = 8192;

  /** X-Ray headers are about 100 characters; room for Lineage and a few extra fields. */
  static final int MAX_XRAY = 1024;

  private CarrierCheck() {}

  /**
   * Why {@code value} of carrier field {@code name} cannot be valid, or null when it may be.
   * Printable ASCII only: every trace header format is.
   */
  static @Nullable String problem(String name, String value) {
    int max = maxLength(name);
    if (value.length() > max) {
      return name + " is " + value.length() + " chars long (at most " + max + ")";
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return name
            + " holds the non-printable or non-ASCII character U+"
            + String.format("%04X", (int) c)
            + " at index "
            + i;
      }
    }
    return null;
  }

  private static int maxLength(String name) {
    if (W3c.TRACEPARENT.equalsIgnoreCase(name)) {
      return MAX_TRACEPARENT;
    }
    if (W3c.TRACESTATE.equalsIgnoreCase(name)) {
      return MAX_TRACESTATE;
    }
    if (Carriers.AWS_TRACE_HEADER.equalsIgnoreCase(name)) {
      return MAX_XRAY;
    }
    return MAX_BAGGAGE;
  }
}
