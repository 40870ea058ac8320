package io.jobcommon.messaging.tracing;

import io.jobcommon.messaging.OutgoingMessage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.contrib.awsxray.propagator.AwsXrayPropagator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a send span's context into an outgoing message: the configured propagator's fields as
 * string headers; on SQS also {@code AWSTraceHeader} (X-Ray) and the 10-attribute budget; and, as
 * an option, {@code traceContext} in a JSON body. Thread-safe.
 */
final class HeaderInjector {
  private static final Logger log = LoggerFactory.getLogger(HeaderInjector.class);

  /** SQS accepts at most this many message attributes; {@code AWSTraceHeader} is not one. */
  static final int SQS_MAX_ATTRIBUTES = 10;

  private final TelemetryConfig config;
  private final boolean sqs;
  private final AtomicBoolean budgetWarned = new AtomicBoolean();

  HeaderInjector(TelemetryConfig config, String system) {
    this.config = config;
    this.sqs = SemanticAttributes.SYSTEM_AWS_SQS.equals(system);
  }

  /** {@code message} carrying {@code context}'s span (and baggage). */
  OutgoingMessage inject(OutgoingMessage message, Context context) {
    Map<String, String> fields = new LinkedHashMap<>();
    config.propagator.inject(context, fields, Carriers.MAP_SETTER);

    OutgoingMessage.Builder b = message.toBuilder();
    // A forwarded message may still carry an older context: ours replaces it as a whole, so the
    // old tracestate or baggage does not mix with the new traceparent or eat into the budget.
    Map<String, String> user = message.headers();
    if (!user.isEmpty()) { // most messages carry no headers of their own: nothing to replace
      user = new LinkedHashMap<>(user);
      for (String field : config.propagator.fields()) {
        removeIgnoringCase(user, field, b);
      }
    }

    SpanContext spanContext = Span.fromContext(context).getSpanContext();
    if (sqs) {
      fields = withinBudget(message.queue(), user, fields);
      if (config.awsTraceHeader
          && spanContext.isValid()
          && !user.containsKey(Carriers.AWS_TRACE_HEADER)) {
        String xray = xray(spanContext);
        if (xray != null) {
          b.setHeader(Carriers.AWS_TRACE_HEADER, xray);
        }
      }
    }
    b.setHeaders(fields);

    if (config.injectIntoBody && spanContext.isValid()) {
      byte[] body = BodyTraceContext.write(message.body(), W3c.fields(spanContext));
      if (body != null) {
        b.setBody(body);
      }
    }
    return b.build();
  }

  /**
   * The trace fields that fit beside {@code user} headers in SQS's 10 attributes: baggage goes
   * first, then tracestate, then traceparent.
   */
  private Map<String, String> withinBudget(
      String queue, Map<String, String> user, Map<String, String> fields) {
    int userCount = user.size() - (user.containsKey(Carriers.AWS_TRACE_HEADER) ? 1 : 0);
    int room = Math.max(0, SQS_MAX_ATTRIBUTES - userCount);
    if (fields.size() <= room) {
      return fields;
    }
    List<String> byPriority = new ArrayList<>(fields.keySet());
    byPriority.sort(Comparator.comparingInt(HeaderInjector::keepPriority));
    Map<String, String> kept = new HashMap<>();
    for (String name : byPriority.subList(0, room)) {
      kept.put(name, fields.get(name));
    }
    List<String> dropped = new ArrayList<>(byPriority.subList(room, byPriority.size()));
    if (budgetWarned.compareAndSet(false, true)) {
      log.warn(
          "message to queue {} has {} message attributes of its own, so only {} of the trace"
              + " headers fit in SQS's limit of {}; dropped {}. The trace still goes on through"
              + " AWSTraceHeader{}. Use fewer attributes (merge them into one JSON attribute) to"
              + " keep the W3C context. Logged once per transport.",
          queue,
          userCount,
          room,
          SQS_MAX_ATTRIBUTES,
          dropped,
          config.awsTraceHeader ? "" : " (turned off: setAwsTraceHeader(false))");
    } else {
      log.debug("message to queue {}: dropped trace headers {} for SQS's limit", queue, dropped);
    }
    return kept;
  }

  /** Lower keeps longer: traceparent is worth most, baggage least. */
  private static int keepPriority(String field) {
    if (W3c.TRACEPARENT.equalsIgnoreCase(field)) {
      return 0;
    }
    if (W3c.TRACESTATE.equalsIgnoreCase(field)) {
      return 1;
    }
    if (W3c.BAGGAGE.equalsIgnoreCase(field)) {
      return 3;
    }
    return 2;
  }

  private static @Nullable String xray(SpanContext spanContext) {
    Map<String, String> out = new HashMap<>(2);
    // Without baggage: the X-Ray header would otherwise copy every entry into the system attribute.
    AwsXrayPropagator.getInstance()
        .inject(Context.root().with(Span.wrap(spanContext)), out, Carriers.MAP_SETTER);
    return out.get(Carriers.XRAY_HTTP_HEADER);
  }

  private static void removeIgnoringCase(
      Map<String, String> user, String field, OutgoingMessage.Builder b) {
    user.keySet()
        .removeIf(
            name -> {
              if (name.equalsIgnoreCase(field)) {
                b.removeHeader(name);
                return true;
              }
              return false;
            });
  }
}
