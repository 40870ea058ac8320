package io.jobcommon.messaging.tracing;

import io.jobcommon.messaging.spi.Delivery;
import io.jobcommon.messaging.spi.LogSafe;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.contrib.awsxray.propagator.AwsXrayPropagator;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a delivery's creation context, in the order of the wire format: headers (the configured
 * propagator, W3C by default) → the JSON body's {@code traceContext} → the {@code AWSTraceHeader}
 * (X-Ray) → none. A carrier that is present but malformed or hostile is skipped, counted in {@code
 * jc.trace_context.invalid} and warned about at a limited rate; nothing here throws. Thread-safe.
 */
final class ContextExtractor {
  private static final Logger log = LoggerFactory.getLogger(ContextExtractor.class);

  static final String CARRIER_HEADERS = "headers";
  static final String CARRIER_BODY = "body";
  static final String CARRIER_AWS_TRACE_HEADER = "aws_trace_header";

  /** A creation context: {@code context} holds its span (remote) and the message's baggage. */
  record Extracted(Context context, SpanContext spanContext, String carrier) {
    boolean isValid() {
      return spanContext.isValid();
    }
  }

  private final TelemetryConfig config;
  private final TextMapPropagator propagator;
  private final String[] contextFields; // the propagator's fields but baggage
  private final String[] allFields;

  ContextExtractor(TelemetryConfig config) {
    this.config = config;
    this.propagator = config.propagator;
    this.allFields = propagator.fields().toArray(new String[0]);
    this.contextFields =
        propagator.fields().stream()
            .filter(f -> !W3c.BAGGAGE.equalsIgnoreCase(f))
            .toArray(String[]::new);
  }

  /** The creation context of {@code delivery}; an invalid span context when it has none. */
  Extracted extract(Delivery delivery, String system) {
    try {
      return extractChecked(delivery, system);
    } catch (RuntimeException | StackOverflowError e) { // a propagator bug must not lose a message
      invalid(delivery, system, CARRIER_HEADERS, "extraction failed: " + e);
      return new Extracted(Context.root(), SpanContext.getInvalid(), "none");
    }
  }

  private Extracted extractChecked(Delivery delivery, String system) {
    Map<String, String> headers = delivery.headers();
    Context base = Context.root();
    // Checked once here, so that no lookup below scans the headers for another spelling.
    boolean lower = Carriers.lowerAsciiNames(headers);

    if (hasContextHeader(headers, lower)) {
      String problem = headerProblem(headers, lower);
      if (problem == null) {
        Context extracted = propagator.extract(Context.root(), headers, Carriers.getter(lower));
        SpanContext sc = Span.fromContext(extracted).getSpanContext();
        if (sc.isValid()) {
          return new Extracted(extracted, sc, CARRIER_HEADERS);
        }
        base = extracted; // keep the baggage, if any, for the carriers below
        invalid(delivery, system, CARRIER_HEADERS, "traceparent is not a valid W3C traceparent");
      } else {
        invalid(delivery, system, CARRIER_HEADERS, problem);
      }
    } else if (Carriers.header(headers, W3c.BAGGAGE, lower) != null
        && headerProblem(headers, lower) == null) {
      base = propagator.extract(Context.root(), headers, Carriers.getter(lower));
    }

    if (config.extractFromBody) {
      Extracted fromBody = fromBody(delivery, system, base);
      if (fromBody != null) {
        return fromBody;
      }
    }

    String xray = headers.get(Carriers.AWS_TRACE_HEADER);
    if (xray != null) {
      String problem = CarrierCheck.problem(Carriers.AWS_TRACE_HEADER, xray);
      if (problem == null) {
        Context extracted =
            AwsXrayPropagator.getInstance().extract(base, headers, Carriers.XRAY_GETTER);
        SpanContext sc = Span.fromContext(extracted).getSpanContext();
        if (sc.isValid()) {
          return new Extracted(extracted, sc, CARRIER_AWS_TRACE_HEADER);
        }
        invalid(delivery, system, CARRIER_AWS_TRACE_HEADER, "not a valid X-Ray trace header");
      } else {
        invalid(delivery, system, CARRIER_AWS_TRACE_HEADER, problem);
      }
    }
    return new Extracted(base, SpanContext.getInvalid(), "none");
  }

  private @Nullable Extracted fromBody(Delivery delivery, String system, Context base) {
    BodyTraceContext.Read read = BodyTraceContext.read(delivery.body());
    switch (read.kind()) {
      case ABSENT:
        return null;
      case INVALID:
        invalid(delivery, system, CARRIER_BODY, read.problem());
        return null;
      default:
        break;
    }
    Map<String, String> fields = read.fields();
    String problem = null;
    for (Map.Entry<String, String> e : fields.entrySet()) {
      problem = CarrierCheck.problem(e.getKey(), e.getValue());
      if (problem != null) {
        break;
      }
    }
    if (problem == null) {
      Context extracted =
          W3CTraceContextPropagator.getInstance().extract(base, fields, Carriers.HEADERS_GETTER);
      SpanContext sc = Span.fromContext(extracted).getSpanContext();
      if (sc.isValid()) {
        return new Extracted(extracted, sc, CARRIER_BODY);
      }
      problem = "traceContext.traceparent is not a valid W3C traceparent";
    }
    invalid(delivery, system, CARRIER_BODY, problem);
    return null;
  }

  /** Whether the headers hold a span context for the propagator (baggage alone is none). */
  private boolean hasContextHeader(Map<String, String> headers, boolean lower) {
    if (headers.isEmpty()) {
      return false;
    }
    for (String field : contextFields) {
      if (Carriers.header(headers, field, lower) != null) {
        return true;
      }
    }
    return false;
  }

  private @Nullable String headerProblem(Map<String, String> headers, boolean lower) {
    for (String field : allFields) {
      String value = Carriers.header(headers, field, lower);
      if (value != null) {
        String problem = CarrierCheck.problem(field, value);
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }

  private void invalid(Delivery delivery, String system, String carrier, String problem) {
    config.metrics.invalidContexts.add(
        1,
        Attributes.of(
            SemanticAttributes.MESSAGING_SYSTEM,
            system,
            SemanticAttributes.MESSAGING_DESTINATION_NAME,
            delivery.queue(),
            SemanticAttributes.JC_CARRIER,
            carrier));
    long held = config.invalidContextWarning.tryAcquire();
    if (held >= 0) {
      // The problem text names lengths and code points, never the raw value: it is hostile input.
      log.warn(
          "message {} on queue {}: ignored the trace context in its {} ({}); processing it in a new"
              + " trace. Check the producer's OpenTelemetry propagation.{}",
          LogSafe.of(delivery.messageId()),
          LogSafe.of(delivery.queue()),
          carrier,
          problem,
          held > 0 ? " (" + held + " similar warnings suppressed)" : "");
    }
  }
}
