package io.jobcommon.messaging.spi;

import java.util.List;

/**
 * Names of the headers the SDK itself writes: its own {@code jc-*} headers and the trace-context
 * headers of the tracing layer (one list, so that the transports and the tracing layer agree). They
 * are shared with the TypeScript job-common, so they are part of the wire format: never rename one.
 */
public final class StandardHeaders {
  /** Why a message was dead-lettered, for example {@code payload-decoding-failed: ...}. */
  public static final String DEAD_LETTER_REASON = "jc-dead-letter-reason";

  /** The queue a dead-lettered message came from. */
  public static final String ORIGINAL_QUEUE = "jc-original-queue";

  /** How many deliveries a dead-lettered message had. */
  public static final String ATTEMPTS = "jc-attempts";

  /** When a message was dead-lettered, ISO-8601 UTC. */
  public static final String FAILED_AT = "jc-failed-at";

  /** The delivery attempt of a message redelivered by a transport that counts attempts itself. */
  public static final String ATTEMPT = "jc-attempt";

  /**
   * Set by a transport on a received message whose headers the broker's client library could not
   * read (on RabbitMQ, a table nested deeper than 32 levels, for example): why, in words. The
   * readable headers are kept; the {@code Dispatcher} dead-letters such a message at once with the
   * reason {@code headers-unreadable: ...}.
   */
  public static final String UNREADABLE_HEADERS = "jc-unreadable-headers";

  /** The W3C trace context of the message's creation: {@code 00-<trace id>-<span id>-<flags>}. */
  public static final String TRACEPARENT = "traceparent";

  /** Vendor data that travels with {@link #TRACEPARENT} (W3C trace context). */
  public static final String TRACESTATE = "tracestate";

  /** W3C baggage: key-value pairs that travel with the trace. */
  public static final String BAGGAGE = "baggage";

  /**
   * The trace context in AWS X-Ray format. On SQS it is the system attribute of that name, which
   * does not count towards the 10 message attributes; other transports carry it as a header.
   */
  public static final String AWS_TRACE_HEADER = "AWSTraceHeader";

  /**
   * The W3C trace headers in the order a transport with a header budget gives them up (baggage
   * first, traceparent last): the context still travels in {@link #AWS_TRACE_HEADER} where there is
   * one. Only the transport knows its real count (a non-text body may cost an attribute on SQS), so
   * it alone decides; the tracing layer always writes them all.
   */
  public static final List<String> TRACE_HEADERS_BY_DROP_ORDER =
      List.of(BAGGAGE, TRACESTATE, TRACEPARENT);

  private StandardHeaders() {}
}
