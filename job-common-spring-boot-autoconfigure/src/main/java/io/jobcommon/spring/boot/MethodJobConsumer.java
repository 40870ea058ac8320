package io.jobcommon.spring.boot;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.JobContext;
import io.jobcommon.messaging.RetryPolicy;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import org.slf4j.MDC;

/** A {@link JobListener} method as a {@link JobConsumer}. Thread-safe if the method is. */
final class MethodJobConsumer extends JobConsumer<Object> {
  static final String TRACE_ID = "traceId";
  static final String SPAN_ID = "spanId";

  private final Object bean;
  private final Method method;
  private final int payloadIndex;
  private final String name;
  private final RetryPolicy retryPolicy;
  private final ConsumerOptions options;

  MethodJobConsumer(
      String queue,
      Type payloadType,
      Object bean,
      Method method,
      int payloadIndex,
      String name,
      RetryPolicy retryPolicy,
      ConsumerOptions options) {
    super(queue, payloadType);
    this.bean = bean;
    this.method = method;
    this.payloadIndex = payloadIndex;
    this.name = name;
    this.retryPolicy = retryPolicy;
    this.options = options;
  }

  @Override
  protected void handle(Object payload, JobContext ctx) throws Exception {
    Object[] args = new Object[method.getParameterCount()];
    for (int i = 0; i < args.length; i++) {
      args[i] = i == payloadIndex ? payload : ctx;
    }
    // The SDK puts trace_id/span_id in the MDC (OpenTelemetry's keys); Spring Boot's own log
    // correlation pattern reads Micrometer Tracing's traceId/spanId: set those too, if free.
    SpanContext span = Span.current().getSpanContext();
    boolean traceId = span.isValid() && MDC.get(TRACE_ID) == null;
    boolean spanId = span.isValid() && MDC.get(SPAN_ID) == null;
    if (traceId) {
      MDC.put(TRACE_ID, span.getTraceId());
    }
    if (spanId) {
      MDC.put(SPAN_ID, span.getSpanId());
    }
    try {
      invoke(args);
    } finally {
      if (traceId) {
        MDC.remove(TRACE_ID);
      }
      if (spanId) {
        MDC.remove(SPAN_ID);
      }
    }
  }

  private void invoke(Object[] args) throws Exception {
    try {
      method.invoke(bean, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  @Override
  public ConsumerOptions options() {
    return options;
  }
}
