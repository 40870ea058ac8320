package io.jobcommon.spring.boot;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.JobContext;
import io.jobcommon.messaging.RetryPolicy;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.EmbeddedValueResolverAware;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringValueResolver;

/**
 * Turns every {@link JobListener} method of every bean into a {@link JobConsumer} that {@link
 * JobConsumersLifecycle} starts. A method whose signature cannot be served fails the start with a
 * message naming it. Thread-safe.
 */
public final class JobListenerPostProcessor
    implements BeanPostProcessor, EmbeddedValueResolverAware {
  private final List<JobConsumer<?>> consumers = new ArrayList<>();
  private StringValueResolver resolver = value -> value;

  JobListenerPostProcessor() {}

  @Override
  public void setEmbeddedValueResolver(StringValueResolver resolver) {
    this.resolver = resolver;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    Class<?> type = AopUtils.getTargetClass(bean);
    Map<Method, JobListener> methods =
        MethodIntrospector.selectMethods(
            type,
            (MethodIntrospector.MetadataLookup<JobListener>)
                m -> AnnotatedElementUtils.findMergedAnnotation(m, JobListener.class));
    for (Map.Entry<Method, JobListener> e : methods.entrySet()) {
      JobConsumer<?> consumer = consumer(bean, beanName, e.getKey(), e.getValue());
      synchronized (consumers) {
        consumers.add(consumer);
      }
    }
    return bean;
  }

  /** The consumers found so far, in discovery order. */
  List<JobConsumer<?>> consumers() {
    synchronized (consumers) {
      return List.copyOf(consumers);
    }
  }

  private JobConsumer<?> consumer(Object bean, String beanName, Method declared, JobListener a) {
    Method method = AopUtils.selectInvocableMethod(declared, bean.getClass());
    String where = beanName + "#" + declared.getName();
    Type[] params = declared.getGenericParameterTypes();
    int payload = -1;
    int contexts = 0;
    for (int i = 0; i < params.length; i++) {
      if (params[i] == JobContext.class) {
        contexts++;
      } else if (payload < 0) {
        payload = i;
      } else {
        payload = -2;
      }
    }
    if (payload < 0 || contexts > 1) {
      throw new IllegalStateException(
          "@JobListener method "
              + where
              + " must take the payload and, optionally, a JobContext: "
              + declared.toGenericString());
    }
    String queue = resolver.resolveStringValue(a.queue());
    if (queue == null || queue.isBlank()) {
      throw new IllegalStateException(
          "@JobListener method " + where + " names no queue: '" + a.queue() + "'");
    }
    ReflectionUtils.makeAccessible(method);
    return new MethodJobConsumer(
        queue,
        params[payload],
        bean,
        method,
        payload,
        where,
        retryPolicy(a, where),
        options(a, where));
  }

  private RetryPolicy retryPolicy(JobListener a, String where) {
    RetryPolicy.Builder b = RetryPolicy.defaults().toBuilder();
    if (a.maxAttempts() > 0) {
      b.setMaxAttempts(a.maxAttempts());
    }
    duration(a.initialBackoff(), "initialBackoff", where, b::setInitialBackoff);
    duration(a.maxBackoff(), "maxBackoff", where, b::setMaxBackoff);
    for (Class<? extends Throwable> t : a.nonRetryable()) {
      b.addNonRetryable(t);
    }
    return b.build();
  }

  private ConsumerOptions options(JobListener a, String where) {
    ConsumerOptions.Builder b = ConsumerOptions.defaults().toBuilder();
    if (a.concurrency() > 0) {
      b.setConcurrency(a.concurrency());
    }
    if (a.prefetch() > 0) {
      b.setPrefetch(a.prefetch());
    }
    duration(a.shutdownTimeout(), "shutdownTimeout", where, b::setShutdownTimeout);
    duration(a.lease(), "lease", where, b::setLease);
    return b.build();
  }

  private void duration(
      String value, String attribute, String where, java.util.function.Consumer<Duration> set) {
    String resolved = resolver.resolveStringValue(value);
    if (resolved == null || resolved.isBlank()) {
      return;
    }
    try {
      set.accept(DurationStyle.detectAndParse(resolved.trim()));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "@JobListener method "
              + where
              + ": "
              + attribute
              + " is not a duration: '"
              + resolved
              + "' (expected for example 500ms, 10s or 5m)",
          e);
    }
  }
}
