package io.jobcommon.messaging.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.instrumentation.api.internal.SpanKey;

/**
 * Marks our messaging spans in the context the way OpenTelemetry's own instrumentations do (the
 * instrumentation API's span keys), so that an instrumentation underneath (the OpenTelemetry Java
 * agent's RabbitMQ and AWS SDK instrumentations, which the agent bridges from these keys) sees a
 * PRODUCER or CONSUMER messaging span already there and does not start a nested duplicate, nor
 * overwrite the context we injected with its own. Kept in one place: the key class is the
 * instrumentation API's internal (but agent-bridged) surface.
 */
final class SpanKeys {
  private SpanKeys() {}

  /**
   * {@code context} with {@code span} as its current span, as the messaging send span and as the
   * client call that carries it. The context is current only while the transport talks to the
   * broker, never in user code; the agent's AWS SDK instrumentation marks its SQS send with all
   * three keys (messaging, RPC and HTTP client) and stands aside only when all three are there.
   */
  static Context producer(Context context, Span span) {
    Context c = SpanKey.PRODUCER.storeInContext(context.with(span), span);
    c = SpanKey.RPC_CLIENT.storeInContext(c, span);
    return SpanKey.HTTP_CLIENT.storeInContext(c, span);
  }

  /** {@code context} with {@code span} as its current span and as the messaging process span. */
  static Context consumer(Context context, Span span) {
    return SpanKey.CONSUMER_PROCESS.storeInContext(context.with(span), span);
  }
}
