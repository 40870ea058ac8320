package io.jobcommon.reliability;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.spi.Delivery;
import io.jobcommon.messaging.spi.DeliveryHandler;
import io.jobcommon.messaging.spi.ForwardingTransport;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.MDC;

/**
 * A transport decorator that sits between a broker transport and the tracing layer: it sees each
 * handler thread as the broker's pool hands it over, before and after the traced handler ran, and
 * records any span, context, baggage or MDC entry left on it, and any exception that escapes the
 * Dispatcher and tracing layers towards the transport's threads. It also remembers which message
 * ids each {@code x-case} arrived with. Thread-safe.
 */
final class HygieneProbe extends ForwardingTransport {
  private static final List<String> MDC_KEYS = List.of("trace_id", "span_id", "trace_flags");

  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final List<String> escaped = new CopyOnWriteArrayList<>();
  private final Map<String, List<String>> messageIds = new ConcurrentHashMap<>();

  HygieneProbe(Transport delegate) {
    super(delegate);
  }

  /** "before/after case: what was left on the thread". */
  List<String> violations() {
    return List.copyOf(violations);
  }

  /** Exceptions that came out of the traced handler. */
  List<String> escaped() {
    return List.copyOf(escaped);
  }

  /** The message ids each {@code x-case} was delivered with (one per delivery). */
  List<String> messageIds(String caseName) {
    return messageIds.getOrDefault(caseName, List.of());
  }

  @Override
  public Subscription subscribe(String queue, ConsumerOptions options, DeliveryHandler handler) {
    return delegate().subscribe(queue, options, d -> probe(handler, d));
  }

  private void probe(DeliveryHandler handler, Delivery d) {
    String key = d.headers().getOrDefault("x-case", "?");
    messageIds.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(d.messageId());
    check("before " + key);
    try {
      handler.handle(d);
    } catch (RuntimeException | Error e) {
      escaped.add(key + ": " + e);
      throw e;
    } finally {
      check("after " + key);
    }
  }

  private void check(String when) {
    String thread = Thread.currentThread().getName();
    if (Span.current().getSpanContext().isValid()) {
      violations.add(when + " on " + thread + ": span " + Span.current().getSpanContext());
    }
    if (Context.current() != Context.root()) {
      violations.add(when + " on " + thread + ": context " + Context.current());
    }
    if (!Baggage.current().isEmpty()) {
      violations.add(when + " on " + thread + ": baggage " + Baggage.current());
    }
    for (String k : MDC_KEYS) {
      if (MDC.get(k) != null) {
        violations.add(when + " on " + thread + ": MDC " + k + "=" + MDC.get(k));
      }
    }
  }
}
