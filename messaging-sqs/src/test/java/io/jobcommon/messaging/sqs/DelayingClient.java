package io.jobcommon.messaging.sqs;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * An SQS client as if SQS were {@code delay} further away: every call's answer comes {@code delay}
 * later. Counts the calls in flight per operation and the most at once, and for receives the
 * messages asked for by receives in flight plus those received so far. Thread-safe.
 */
final class DelayingClient implements InvocationHandler {
  private final SqsAsyncClient real;
  private final Executor later;
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> most = new ConcurrentHashMap<>();
  private final AtomicInteger asked = new AtomicInteger();
  private final AtomicInteger received = new AtomicInteger();
  private final AtomicInteger mostHeld = new AtomicInteger();

  private DelayingClient(SqsAsyncClient real, Duration delay) {
    this.real = real;
    this.later = CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The client, and the counters to read. */
  static DelayingClient wrap(SqsAsyncClient real, Duration delay) {
    return new DelayingClient(real, delay);
  }

  SqsAsyncClient client() {
    return (SqsAsyncClient)
        Proxy.newProxyInstance(
            SqsAsyncClient.class.getClassLoader(), new Class<?>[] {SqsAsyncClient.class}, this);
  }

  /** The most calls of {@code operation} (such as {@code receiveMessage}) in flight at once. */
  int mostInFlight(String operation) {
    AtomicInteger n = most.get(operation);
    return n == null ? 0 : n.get();
  }

  /**
   * The most messages held at once as long as none is settled: asked for by receives in flight plus
   * received so far.
   */
  int mostHeld() {
    return mostHeld.get();
  }

  int received() {
    return received.get();
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    Object result;
    try {
      result = method.invoke(real, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
    if (!(result instanceof CompletableFuture<?> call)) {
      return result;
    }
    String op = method.getName();
    int now = inFlight.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
    most.computeIfAbsent(op, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
    int ask =
        args != null && args.length == 1 && args[0] instanceof ReceiveMessageRequest r
            ? r.maxNumberOfMessages()
            : 0;
    mostHeld.accumulateAndGet(asked.addAndGet(ask) + received.get(), Math::max);
    CompletableFuture<Object> out = new CompletableFuture<>();
    call.whenComplete(
        (value, error) ->
            later.execute(
                () -> {
                  if (value instanceof ReceiveMessageResponse r) {
                    received.addAndGet(r.messages().size());
                  }
                  asked.addAndGet(-ask);
                  inFlight.get(op).decrementAndGet();
                  if (error != null) {
                    out.completeExceptionally(error);
                  } else {
                    out.complete(value);
                  }
                }));
    return out;
  }
}
