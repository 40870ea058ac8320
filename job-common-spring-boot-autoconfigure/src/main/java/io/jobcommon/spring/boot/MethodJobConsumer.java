package io.jobcommon.spring.boot;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.JobContext;
import io.jobcommon.messaging.RetryPolicy;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;

/** A {@link JobListener} method as a {@link JobConsumer}. Thread-safe if the method is. */
final class MethodJobConsumer extends JobConsumer<Object> {
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
