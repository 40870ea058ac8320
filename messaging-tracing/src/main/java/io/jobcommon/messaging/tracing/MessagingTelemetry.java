package io.jobcommon.messaging.tracing;

import io.jobcommon.messaging.spi.Transport;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Tracing for messaging: wraps a {@link Transport} so every send gets a PRODUCER span whose context
 * travels with the message, and every delivery gets a CONSUMER span that continues the sender's
 * trace, with metrics on the same {@link OpenTelemetry} instance.
 *
 * <pre>{@code
 * // Under the OpenTelemetry Java agent (or beside another registered global instance), pass that
 * // one: GlobalOpenTelemetry.get(). Spans of a second SDK cannot be made current there.
 * MessagingTelemetry telemetry = MessagingTelemetry.create(openTelemetry);
 * Transport transport = telemetry.wrap(SqsTransport.builder().setRegion("eu-west-1").build());
 * MessageClient client = MessageClient.create(transport);
 * }</pre>
 *
 * <p>When created, it checks that spans of {@code openTelemetry} can be made current in this JVM;
 * when they cannot (another SDK beside the Java agent), it logs one error line with the fix and
 * marks every send span {@code jc.trace_context.injected=false}. Its PRODUCER and CONSUMER spans
 * are marked in the context with OpenTelemetry's instrumentation-API span keys, so the agent's own
 * messaging instrumentation adds no nested PRODUCER span and leaves the injected context alone.
 *
 * <p>Immutable and thread-safe; one instance may wrap any number of transports. Nothing returned is
 * null.
 */
public final class MessagingTelemetry {
  /** The instrumentation scope name of spans and metrics. */
  public static final String INSTRUMENTATION_NAME = "io.jobcommon.messaging";

  private final TelemetryConfig config;

  private MessagingTelemetry(TelemetryConfig config) {
    this.config = config;
  }

  /** Tracing with the defaults: W3C {@code tracecontext,baggage}, nothing written into bodies. */
  public static MessagingTelemetry create(OpenTelemetry openTelemetry) {
    return builder(openTelemetry).build();
  }

  /**
   * Whether the OpenTelemetry Java agent is attached to this JVM (its bootstrap classes are there).
   * Then the agent's OpenTelemetry ({@code GlobalOpenTelemetry.get()}) is the one to pass in: spans
   * of a second SDK cannot be made current beside the agent.
   */
  public static boolean isJavaAgentAttached() {
    return ContextCheck.agentAttached();
  }

  /** A builder for tracing on {@code openTelemetry}. */
  public static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(openTelemetry);
  }

  /**
   * A transport that traces {@code transport}: sends, batch sends and subscriptions; everything
   * else is delegated. Closing it closes {@code transport}.
   */
  public Transport wrap(Transport transport) {
    Objects.requireNonNull(transport, "transport");
    return new TracingTransport(transport, config);
  }

  TelemetryConfig config() {
    return config;
  }

  /**
   * The W3C {@code traceparent} of the current span ({@code 00-<trace id>-<span id>-<flags>}), for
   * code that passes it on by hand (a JSON field, an HTTP call); empty when no span is current.
   */
  public static Optional<String> traceparent() {
    return traceparent(Context.current());
  }

  /** The W3C {@code traceparent} of the span in {@code context}; empty when it has none. */
  public static Optional<String> traceparent(Context context) {
    return Optional.ofNullable(W3c.traceparent(context));
  }

  /** Builds a {@link MessagingTelemetry}. Not thread-safe: one thread builds one instance. */
  public static final class Builder {
    private final OpenTelemetry openTelemetry;
    private TextMapPropagator propagator =
        TextMapPropagator.composite(
            W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());
    private boolean injectIntoBody;
    private boolean extractFromBody = true;
    private boolean awsTraceHeader = true;
    private boolean creationContextAsParent = true;
    private Duration warningInterval = Duration.ofMinutes(1);

    private Builder(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
    }

    /**
     * The propagator that writes and reads the trace context in message headers; W3C {@code
     * tracecontext} + {@code baggage} by default (the OpenTelemetry default, and what the
     * TypeScript job-common uses). Pass {@code openTelemetry.getPropagators()
     * .getTextMapPropagator()} to follow {@code OTEL_PROPAGATORS}.
     */
    public Builder setPropagator(TextMapPropagator propagator) {
      this.propagator = Objects.requireNonNull(propagator, "propagator");
      return this;
    }

    /**
     * Whether to also write {@code traceContext: {traceparent, tracestate}} into bodies that are a
     * JSON object, for consumers that read it there (older TypeScript job-common services). Off by
     * default: it changes the body.
     */
    public Builder setInjectIntoBody(boolean injectIntoBody) {
      this.injectIntoBody = injectIntoBody;
      return this;
    }

    /**
     * Whether a delivery without a trace context in its headers is continued from its JSON body's
     * {@code traceContext.traceparent}. On by default.
     */
    public Builder setExtractFromBody(boolean extractFromBody) {
      this.extractFromBody = extractFromBody;
      return this;
    }

    /**
     * Whether sends on SQS ({@code aws_sqs}) also carry the context in X-Ray format as the {@code
     * AWSTraceHeader} system attribute, which the OpenTelemetry Java agent, Lambda and X-Ray read.
     * On by default; a value the sender set is never replaced.
     */
    public Builder setAwsTraceHeader(boolean awsTraceHeader) {
      this.awsTraceHeader = awsTraceHeader;
      return this;
    }

    /**
     * Whether a process span's parent is the message's creation context (the default), so producer
     * and consumer share one trace in trace views. A span current on the delivering thread is never
     * the parent. With false the process span starts a new trace; it always links to the creation
     * context.
     */
    public Builder setCreationContextAsParent(boolean creationContextAsParent) {
      this.creationContextAsParent = creationContextAsParent;
      return this;
    }

    /**
     * The least time between two warnings about invalid trace contexts received; one minute by
     * default. Every invalid context is still counted in {@code jc.trace_context.invalid}.
     */
    public Builder setInvalidContextWarningInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("interval must not be negative: " + interval);
      }
      this.warningInterval = interval;
      return this;
    }

    /** The telemetry. */
    public MessagingTelemetry build() {
      return new MessagingTelemetry(
          new TelemetryConfig(
              openTelemetry,
              propagator,
              injectIntoBody,
              extractFromBody,
              awsTraceHeader,
              creationContextAsParent,
              warningInterval));
    }
  }
}
