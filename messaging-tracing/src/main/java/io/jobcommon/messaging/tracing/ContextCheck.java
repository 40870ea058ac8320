package io.jobcommon.messaging.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether spans of an OpenTelemetry instance can be made current in this JVM. They cannot when the
 * OpenTelemetry Java agent is attached and the instance is another SDK (one built by the
 * application): the agent owns the context storage and drops spans it did not create, so a send
 * would carry no trace context and its span would be the parent of nothing.
 */
final class ContextCheck {
  private static final Logger log = LoggerFactory.getLogger(ContextCheck.class);

  // A remote parent that is not sampled: parent-based samplers (the default everywhere) then
  // return a non-recording probe, so checking exports nothing.
  private static final SpanContext UNSAMPLED_PARENT =
      SpanContext.createFromRemoteParent(
          "6a6f62636f6d6d6f6e2d70726f626521",
          "6a632d70726f6265",
          TraceFlags.getDefault(),
          TraceState.getDefault());

  private ContextCheck() {}

  /**
   * Starts a probe span, makes it current and checks that it is; logs one error line with the fix
   * when it is not.
   *
   * @return whether the tracer's spans can be made current
   */
  @SuppressWarnings("try") // the scope is used for its side effect only
  static boolean spansBecomeCurrent(Tracer tracer) {
    Span probe =
        tracer
            .spanBuilder("jc.context_probe")
            .setParent(Context.root().with(Span.wrap(UNSAMPLED_PARENT)))
            .startSpan();
    boolean current;
    try (Scope ignored = Context.root().with(probe).makeCurrent()) {
      current = Span.current().getSpanContext().equals(probe.getSpanContext());
    }
    // A sampler that ignores the parent (always_on) records the probe: left unended, it is never
    // exported and is collected like any unreachable object.
    if (!probe.isRecording()) {
      probe.end();
    }
    if (!current) {
      log.error(
          "spans of the OpenTelemetry instance given to MessagingTelemetry cannot be made current"
              + " in this JVM (the OpenTelemetry Java agent is attached and owns the context):"
              + " messages will be sent WITHOUT trace context and their send spans are marked"
              + " jc.trace_context.injected=false. Fix: pass the agent's instance,"
              + " GlobalOpenTelemetry.get(), to MessagingTelemetry (JobRuntime does so unless"
              + " JOB_OPENTELEMETRY=sdk)");
    }
    return current;
  }
}
