package io.jobcommon.messaging.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.time.Duration;

/** What {@link MessagingTelemetry.Builder} configured, shared by every wrapped transport. */
final class TelemetryConfig {
  final Tracer tracer;
  final MessagingMetrics metrics;
  final TextMapPropagator propagator;
  final boolean injectIntoBody;
  final boolean extractFromBody;
  final boolean awsTraceHeader;
  final boolean creationContextAsParent;
  final RateLimitedWarning invalidContextWarning;

  /** False when the tracer's spans cannot be made current (checked, and logged, once here). */
  final boolean spansBecomeCurrent;

  TelemetryConfig(
      OpenTelemetry openTelemetry,
      TextMapPropagator propagator,
      boolean injectIntoBody,
      boolean extractFromBody,
      boolean awsTraceHeader,
      boolean creationContextAsParent,
      Duration warningInterval) {
    this.tracer = openTelemetry.getTracer(MessagingTelemetry.INSTRUMENTATION_NAME);
    this.metrics =
        new MessagingMetrics(openTelemetry.getMeter(MessagingTelemetry.INSTRUMENTATION_NAME));
    this.propagator = propagator;
    this.injectIntoBody = injectIntoBody;
    this.extractFromBody = extractFromBody;
    this.awsTraceHeader = awsTraceHeader;
    this.creationContextAsParent = creationContextAsParent;
    this.invalidContextWarning = new RateLimitedWarning(warningInterval);
    this.spansBecomeCurrent = ContextCheck.spansBecomeCurrent(tracer);
  }
}
