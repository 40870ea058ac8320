package io.jobcommon.messaging.tracing;

import io.jobcommon.messaging.spi.JavaAgent;
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
 * application): the agent owns the context storage, and wherever one of its spans is in the context
 * (an HTTP request it instrumented) the other SDK's span is not seen, so a send would carry the
 * request's context instead of its own and its span would be the parent of nothing.
 */
final class ContextCheck {
  private static final Logger log = LoggerFactory.getLogger(ContextCheck.class);

  // A sampled remote parent, so that parent-based samplers (the default everywhere) make the probe
  // a real, recording span of the SDK: under the agent a non-recording one is a plain wrapped
  // context, which the agent bridges, and would pass the check whatever the SDK. The probe is
  // never ended, so it is never exported; it is collected like any unreachable object.
  private static final SpanContext SAMPLED_PARENT =
      SpanContext.createFromRemoteParent(
          "6a6f62636f6d6d6f6e2d70726f626521",
          "6a632d70726f6265",
          TraceFlags.getSampled(),
          TraceState.getDefault());

  /** Where the agent's bridge of the application's API lives; its spans are of classes there. */
  private static final String AGENT_PACKAGE = "io.opentelemetry.javaagent.";

  /** A class the agent puts on the bootstrap class path, and nothing else does. */
  private ContextCheck() {}

  /** Whether the OpenTelemetry Java agent is attached to this JVM. */
  static boolean agentAttached() {
    return JavaAgent.isAttached();
  }

  /** {@link #spansBecomeCurrent(Tracer, boolean)} for this JVM. */
  static boolean spansBecomeCurrent(Tracer tracer) {
    return spansBecomeCurrent(tracer, agentAttached());
  }

  /**
   * Starts a probe span, makes it current and checks that it is; logs one error line with the fix
   * when it is not.
   *
   * @return whether the tracer's spans can be made current
   */
  /**
   * Beside the agent, a span that is not the agent's survives in a context only while no agent span
   * is there too; inside an agent-made span (an HTTP request) the agent's span wins, so a send
   * there would carry the request's context, not its own. Hence also: with the agent attached, the
   * spans must be the agent's (of its bridge's classes).
   *
   * @param agentAttached whether the OpenTelemetry Java agent is attached
   */
  @SuppressWarnings("try") // the scope is used for its side effect only
  static boolean spansBecomeCurrent(Tracer tracer, boolean agentAttached) {
    Span probe =
        tracer
            .spanBuilder("jc.context_probe")
            .setParent(Context.root().with(Span.wrap(SAMPLED_PARENT)))
            .startSpan();
    boolean current;
    try (Scope ignored = Context.root().with(probe).makeCurrent()) {
      current = Span.current().getSpanContext().equals(probe.getSpanContext());
    }
    if (agentAttached && !probe.getClass().getName().startsWith(AGENT_PACKAGE)) {
      current = false; // another SDK's span: the agent's spans shadow it
    }
    if (!current) {
      log.error(
          "spans of the OpenTelemetry instance given to MessagingTelemetry cannot be made current"
              + " in this JVM{}: a message sent inside another span (such as the agent's HTTP"
              + " request span) carries that span's context instead of its send span's, and such"
              + " send spans are marked jc.trace_context.injected=false. Fix: pass the agent's"
              + " instance, GlobalOpenTelemetry.get(), to MessagingTelemetry (JobRuntime does so"
              + " unless JOB_OPENTELEMETRY=sdk)",
          agentAttached
              ? " (the OpenTelemetry Java agent is attached, owns the context and this is another"
                  + " SDK)"
              : "");
    }
    return current;
  }
}
