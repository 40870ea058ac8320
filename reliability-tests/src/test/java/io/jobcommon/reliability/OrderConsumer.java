package io.jobcommon.reliability;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.JobContext;
import io.jobcommon.messaging.NonRetryableException;
import io.jobcommon.messaging.RetryPolicy;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.MDC;

/**
 * The corpus's worker: validates an {@link OrderMessage} (no id or a negative quantity: {@link
 * NonRetryableException}) and misbehaves as its {@code mode} asks. Records, by the {@code x-case}
 * header, every message it handled successfully with the span that was current. Two attempts at
 * most, retried after 100 ms, so retries stay quick. Thread-safe.
 */
final class OrderConsumer extends JobConsumer<OrderMessage> {
  /** What the handler saw for one message it returned from. */
  record Handled(String messageId, SpanContext span, int attempt, String thread) {}

  private final Map<String, List<Handled>> handled = new ConcurrentHashMap<>();

  OrderConsumer(String queue) {
    super(queue);
  }

  Map<String, List<Handled>> handled() {
    return handled;
  }

  @Override
  @SuppressWarnings("MustBeClosedChecker") // mode leak-scope leaks one on purpose
  protected void handle(OrderMessage order, JobContext ctx) throws Exception {
    if (order.orderId() == null || order.orderId().isBlank()) {
      throw new NonRetryableException("order has no orderId");
    }
    if (order.quantity() < 0) {
      throw new NonRetryableException("order has a negative quantity: " + order.quantity());
    }
    String mode = order.mode() == null ? "" : order.mode();
    switch (mode) {
      case "non-retryable":
        throw new NonRetryableException("order refused by the handler");
      case "non-retryable-huge-message":
        throw new NonRetryableException("refused " + "x".repeat(100_000));
      case "non-retryable-control-chars":
        throw new NonRetryableException("refused\u0000\r\ninjected: header\u0007\u001b[31m");
      case "non-retryable-null-message":
        throw new NonRetryableException(null);
      case "retryable":
        throw new IllegalStateException("downstream unavailable");
      case "npe":
        throw new NullPointerException("handler bug");
      case "assertion-error":
        throw new AssertionError("handler assertion failed");
      case "checked":
        throw new IOException("checked failure");
      case "non-retryable-quoting-id":
        throw new NonRetryableException("refused message " + ctx.messageId());
      case "stack-overflow":
        recurse(0);
        break;
      default:
        break;
    }
    String key = ctx.headers().getOrDefault("x-case", order.orderId());
    handled
        .computeIfAbsent(key, k -> new CopyOnWriteArrayList<>())
        .add(
            new Handled(
                ctx.messageId(),
                Span.current().getSpanContext(),
                ctx.attempt(),
                Thread.currentThread().getName()));
    if (mode.equals("leak-scope")) {
      // A handler bug: a scope made current and never closed. It must not outlive the message.
      Span.wrap(
              SpanContext.create(
                  "0af7651916cd43dd8448eb211c80319c",
                  "b7ad6b7169203331",
                  TraceFlags.getSampled(),
                  TraceState.getDefault()))
          .makeCurrent();
    } else if (mode.equals("leak-mdc")) {
      MDC.put("trace_id", "leaked-by-handler");
      MDC.put("span_id", "leaked-by-handler");
    }
  }

  /** A handler bug: unbounded recursion, ending in a {@link StackOverflowError}. */
  @SuppressWarnings("InfiniteRecursion") // on purpose: see above
  private static int recurse(int depth) {
    return recurse(depth + 1) + 1;
  }

  @Override
  public RetryPolicy retryPolicy() {
    return RetryPolicy.builder()
        .setMaxAttempts(2)
        .setInitialBackoff(Duration.ofMillis(100))
        .setJitter(false)
        .build();
  }

  @Override
  public ConsumerOptions options() {
    return ConsumerOptions.builder()
        .setConcurrency(4)
        .setPrefetch(8)
        .setLease(Duration.ofSeconds(10))
        .build();
  }
}
