package io.jobcommon.messaging.tracing;

import io.jobcommon.messaging.OutgoingMessage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.contrib.awsxray.propagator.AwsXrayPropagator;
import java.util.Collection;
import org.jspecify.annotations.Nullable;

/**
 * Writes a send span's context into an outgoing message: the configured propagator's fields as
 * string headers; on SQS also {@code AWSTraceHeader} (X-Ray); and, as an option, {@code
 * traceContext} in a JSON body. Every field is written: SQS's 10-attribute budget is the SQS
 * transport's to keep, because only it knows the real count (a body that is not text costs an
 * attribute there). Thread-safe.
 */
final class HeaderInjector {
  /** Writes the propagator's fields straight into the message being built: no map in between. */
  private static final TextMapSetter<OutgoingMessage.Builder> BUILDER_SETTER =
      (builder, key, value) -> {
        if (builder != null) {
          builder.setHeader(key, value);
        }
      };

  private final TelemetryConfig config;
  private final boolean sqs;
  private final Collection<String> fields;

  HeaderInjector(TelemetryConfig config, String system) {
    this.config = config;
    this.sqs = SemanticAttributes.SYSTEM_AWS_SQS.equals(system);
    this.fields = config.propagator.fields();
  }

  /** {@code message} carrying {@code context}'s span (and baggage). */
  OutgoingMessage inject(OutgoingMessage message, Context context) {
    OutgoingMessage.Builder b = message.toBuilder();
    if (!message.headers().isEmpty()) { // most messages carry no headers of their own
      // A forwarded message may still carry an older context: ours replaces it as a whole, so the
      // old tracestate or baggage does not mix with the new traceparent.
      for (String name : message.headers().keySet()) {
        if (isPropagatorField(name)) {
          b.removeHeader(name);
        }
      }
    }
    config.propagator.inject(context, b, BUILDER_SETTER);

    SpanContext spanContext = Span.fromContext(context).getSpanContext();
    if (sqs
        && config.awsTraceHeader
        && spanContext.isValid()
        && !message.headers().containsKey(Carriers.AWS_TRACE_HEADER)) {
      String xray = xray(spanContext);
      if (xray != null) {
        b.setHeader(Carriers.AWS_TRACE_HEADER, xray);
      }
    }

    if (config.injectIntoBody && spanContext.isValid()) {
      byte[] body = BodyTraceContext.write(message.body(), W3c.fields(spanContext));
      if (body != null) {
        b.setBody(body);
      }
    }
    return b.build();
  }

  private boolean isPropagatorField(String name) {
    for (String field : fields) {
      if (name.equalsIgnoreCase(field)) {
        return true;
      }
    }
    return false;
  }

  private static @Nullable String xray(SpanContext spanContext) {
    String[] out = new String[1];
    // Without baggage: the X-Ray header would otherwise copy every entry into the system attribute.
    AwsXrayPropagator.getInstance()
        .inject(
            Context.root().with(Span.wrap(spanContext)),
            out,
            (carrier, key, value) -> {
              if (carrier != null && Carriers.XRAY_HTTP_HEADER.equals(key)) {
                carrier[0] = value;
              }
            });
    return out[0];
  }
}
