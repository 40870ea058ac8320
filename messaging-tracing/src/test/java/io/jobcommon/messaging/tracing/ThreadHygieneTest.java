package io.jobcommon.messaging.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.DeliveryHandler;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.testing.InMemoryTransport;
import io.jobcommon.testfixtures.InMemoryTelemetry;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * No span, scope or MDC entry outlives its message on a pooled handler thread: checked on every
 * worker thread before and after each of 10,000 deliveries, including handlers that throw.
 */
@SuppressWarnings("try") // the subscription is held open for its side effect
class ThreadHygieneTest {
  private static final int MESSAGES = 10_000;

  @Test
  void afterTenThousandMessagesEveryWorkerThreadIsClean() {
    Queue<String> violations = new ConcurrentLinkedQueue<>();
    Set<String> workers = ConcurrentHashMap.newKeySet();
    AtomicInteger handled = new AtomicInteger();
    AtomicInteger thrown = new AtomicInteger();

    try (InMemoryTelemetry otel = new InMemoryTelemetry()) {
      InMemoryTransport broker = InMemoryTransport.create();
      // The probe sits between the broker's pool and the tracing handler: it sees the thread as
      // the pool hands it over, before and after the traced handler ran.
      SystemOverride probe =
          new SystemOverride(broker, "in_memory", tracing -> probed(tracing, violations, workers));
      Transport transport = MessagingTelemetry.create(otel.sdk()).wrap(probe);

      DeliveryHandler handler =
          d -> {
            int n = handled.incrementAndGet();
            if (MDC.get("trace_id") == null || !Span.current().getSpanContext().isValid()) {
              violations.add("handler ran without its span or MDC on " + thread());
            }
            if (n % 97 == 0 && d.attempt() == 1 && thrown.incrementAndGet() <= 10) {
              throw new IllegalStateException("handler bug " + n);
            }
            d.ack();
          };
      ConsumerOptions options = ConsumerOptions.builder().setConcurrency(8).setPrefetch(16).build();
      try (Subscription s = transport.subscribe("load", options, handler)) {
        List<OutgoingMessage> batch = new ArrayList<>(100);
        for (int i = 0; i < MESSAGES; i++) {
          batch.add(
              OutgoingMessage.builder("load")
                  .setBody(("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8))
                  .build());
          if (batch.size() == 100) {
            transport.sendBatch(batch).join();
            batch.clear();
          }
        }
        broker.awaitIdle(Duration.ofSeconds(60));
      }
      transport.close();

      assertThat(violations).isEmpty();
      assertThat(workers).hasSize(8);
      assertThat(thrown.get()).isPositive();
      assertThat(otel.spansNamed("process load")).hasSize(handled.get());
      assertThat(handled.get()).isGreaterThanOrEqualTo(MESSAGES);
    }
  }

  private static DeliveryHandler probed(
      DeliveryHandler tracing, Queue<String> violations, Set<String> workers) {
    return d -> {
      workers.add(thread());
      check("before", violations);
      try {
        tracing.handle(d);
      } finally {
        check("after", violations);
      }
    };
  }

  private static void check(String when, Queue<String> violations) {
    Map<String, String> mdc = MDC.getCopyOfContextMap();
    if (mdc != null && !mdc.isEmpty()) {
      violations.add(when + ": MDC " + mdc + " on " + thread());
    }
    if (Span.current().getSpanContext().isValid()) {
      violations.add(when + ": span " + Span.current() + " current on " + thread());
    }
    if (Context.current() != Context.root() || !Baggage.current().isEmpty()) {
      violations.add(when + ": context " + Context.current() + " current on " + thread());
    }
  }

  private static String thread() {
    return Thread.currentThread().getName();
  }
}
