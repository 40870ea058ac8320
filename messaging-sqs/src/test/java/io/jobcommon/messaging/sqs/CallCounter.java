package io.jobcommon.messaging.sqs;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** Counts the SQS calls a client makes, by request type, through the SDK's interceptor seam. */
final class CallCounter implements ExecutionInterceptor {
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    calls
        .computeIfAbsent(context.request().getClass().getSimpleName(), k -> new AtomicInteger())
        .incrementAndGet();
  }

  /** Calls made with requests of type {@code request}, such as {@code SendMessageBatchRequest}. */
  int count(Class<?> request) {
    AtomicInteger n = calls.get(request.getSimpleName());
    return n == null ? 0 : n.get();
  }

  void reset() {
    calls.clear();
  }

  int total() {
    return calls.values().stream().mapToInt(AtomicInteger::get).sum();
  }
}
