package io.jobcommon.messaging.tracing;

import static io.jobcommon.messaging.tracing.SemanticAttributes.ERROR_TYPE;
import static io.jobcommon.messaging.tracing.SemanticAttributes.MESSAGING_BATCH_MESSAGE_COUNT;
import static io.jobcommon.messaging.tracing.SemanticAttributes.MESSAGING_DESTINATION_NAME;
import static io.jobcommon.messaging.tracing.SemanticAttributes.MESSAGING_MESSAGE_BODY_SIZE;
import static io.jobcommon.messaging.tracing.SemanticAttributes.MESSAGING_MESSAGE_ID;
import static io.jobcommon.messaging.tracing.SemanticAttributes.MESSAGING_OPERATION_NAME;
import static io.jobcommon.messaging.tracing.SemanticAttributes.MESSAGING_OPERATION_TYPE;
import static io.jobcommon.messaging.tracing.SemanticAttributes.MESSAGING_SYSTEM;

import io.jobcommon.messaging.BatchSendException;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.Futures;
import io.jobcommon.messaging.spi.LogSafe;
import io.jobcommon.messaging.spi.Transport;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer half of {@link TracingTransport}: a PRODUCER span per send or batch send, its
 * context injected into every message, metrics when the broker answers. A tracing failure is logged
 * and the message goes out untraced: tracing never fails a send. Thread-safe.
 */
final class ProducerTracing {
  private static final Logger log = LoggerFactory.getLogger(ProducerTracing.class);

  private final Transport delegate;
  private final TelemetryConfig config;
  private final String system;
  private final String operation;
  private final HeaderInjector injector;
  // Per destination (a queue, or "" for a batch to several): built once, not per message.
  private final Map<String, Destination> destinations = new ConcurrentHashMap<>();

  /**
   * What every send to one destination shares: the span name, and the attributes both of the span
   * at its start and of the success metrics.
   */
  private record Destination(String spanName, Attributes metricAttributes) {}

  private static final int MAX_CACHED_DESTINATIONS = 1024;
  private static final String JC_TRACE_CONTEXT_INJECTED = "jc.trace_context.injected";

  ProducerTracing(Transport delegate, TelemetryConfig config) {
    this.delegate = delegate;
    this.config = config;
    this.system = delegate.system();
    // RabbitMQ names its send operation "publish" in the conventions; the type stays "send".
    this.operation =
        SemanticAttributes.SYSTEM_RABBITMQ.equals(system)
            ? SemanticAttributes.OPERATION_PUBLISH
            : SemanticAttributes.OPERATION_SEND;
    this.injector = new HeaderInjector(config, system);
  }

  CompletableFuture<String> send(OutgoingMessage message) {
    long start = System.nanoTime();
    Span span = null;
    OutgoingMessage traced;
    Context context;
    try {
      span = startSpan(message.queue(), -1, message.bodySize());
      context = contextOf(span);
      traced = injector.inject(message, context);
    } catch (RuntimeException e) {
      abandon(span);
      log.warn(
          "tracing the send to queue {} failed; sending it untraced",
          LogSafe.of(message.queue()),
          e);
      return delegate.send(message);
    }
    Span sendSpan = span;
    CompletableFuture<String> sent = call(context, () -> delegate.send(traced));
    return sent.whenComplete((id, error) -> finish(sendSpan, start, message.queue(), 1, error, id));
  }

  CompletableFuture<List<String>> sendBatch(List<OutgoingMessage> messages) {
    if (messages.isEmpty()) {
      return delegate.sendBatch(messages);
    }
    long start = System.nanoTime();
    String destination = commonQueue(messages);
    Span span = null;
    List<OutgoingMessage> traced;
    Context context;
    try {
      span = startSpan(destination, messages.size(), -1);
      context = contextOf(span);
      traced = new ArrayList<>(messages.size());
      for (OutgoingMessage m : messages) {
        traced.add(injector.inject(m, context));
      }
    } catch (RuntimeException e) {
      abandon(span);
      log.warn(
          "tracing the batch send to queue {} failed; sending it untraced",
          LogSafe.of(messages.get(0).queue()),
          e);
      return delegate.sendBatch(messages);
    }
    List<OutgoingMessage> batch = List.copyOf(traced);
    Span sendSpan = span;
    CompletableFuture<List<String>> sent = call(context, () -> delegate.sendBatch(batch));
    return sent.whenComplete(
        (ids, error) -> finish(sendSpan, start, destination, messages.size(), error, null));
  }

  /**
   * {@code batchSize} -1 for a single-message send, which carries no batch count. A sampler sees
   * the destination's attributes (built once per destination) and the batch count; the body size is
   * added only to a span that records, so an unsampled send builds nothing per message.
   */
  private Span startSpan(@Nullable String destination, int batchSize, int bodySize) {
    Destination d = destination(destination);
    var builder =
        config
            .tracer
            .spanBuilder(d.spanName())
            .setSpanKind(SpanKind.PRODUCER)
            .setAllAttributes(d.metricAttributes());
    if (batchSize >= 0) {
      builder.setAttribute(MESSAGING_BATCH_MESSAGE_COUNT, (long) batchSize);
    }
    Span span = builder.startSpan();
    if (bodySize >= 0 && span.isRecording()) {
      span.setAttribute(MESSAGING_MESSAGE_BODY_SIZE, (long) bodySize);
    }
    return span;
  }

  /** Ends a span whose context could not be injected; the message goes out without it. */
  private static void abandon(@Nullable Span span) {
    if (span != null) {
      span.setAttribute(JC_TRACE_CONTEXT_INJECTED, false);
      span.end();
    }
  }

  /**
   * The context a send runs in and injects: the current one with {@code span} as its span, marked
   * as a messaging send so that an instrumentation of the broker client underneath (the
   * OpenTelemetry Java agent's) adds no second PRODUCER span and leaves our headers alone. When the
   * span cannot be carried (an OpenTelemetry whose spans cannot be made current), the span says so:
   * {@code jc.trace_context.injected=false}.
   */
  private Context contextOf(Span span) {
    Context context = SpanKeys.producer(Context.current(), span);
    if (!config.spansBecomeCurrent
        || !Span.fromContext(context).getSpanContext().equals(span.getSpanContext())) {
      span.setAttribute(JC_TRACE_CONTEXT_INJECTED, false);
    }
    return context;
  }

  /** Runs the broker call in the send's context, turning a throw into a failed future. */
  @SuppressWarnings("try") // the scope is used for its side effect only
  private static <T> CompletableFuture<T> call(
      Context context, java.util.function.Supplier<CompletableFuture<T>> action) {
    try (Scope ignored = context.makeCurrent()) {
      CompletableFuture<T> f = action.get();
      return f != null ? f : CompletableFuture.failedFuture(new NullPointerException("future"));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void finish(
      Span span,
      long start,
      @Nullable String destination,
      int count,
      @Nullable Throwable error,
      @Nullable String messageId) {
    try {
      Attributes attributes = destination(destination).metricAttributes();
      if (error != null) {
        AttributesBuilder metric = attributes.toBuilder();
        Throwable cause = Futures.unwrap(error);
        String type = SemanticAttributes.errorType(cause);
        span.setStatus(
            StatusCode.ERROR, cause.getMessage() == null ? type : LogSafe.of(cause.getMessage()));
        span.setAttribute(ERROR_TYPE, type);
        span.recordException(cause);
        if (cause instanceof BatchSendException) {
          span.setAttribute(
              "jc.batch.failed_count", (long) ((BatchSendException) cause).failures().size());
        }
        metric.put(ERROR_TYPE, type);
        attributes = metric.build();
      } else if (messageId != null && span.isRecording()) {
        span.setAttribute(MESSAGING_MESSAGE_ID, LogSafe.of(messageId));
      }
      span.end();
      config.metrics.operationDuration.record(
          MessagingMetrics.seconds(System.nanoTime() - start), attributes);
      config.metrics.sentMessages.add(count, attributes);
    } catch (RuntimeException e) {
      log.warn("recording the send span failed", e);
    }
  }

  private Destination destination(@Nullable String destination) {
    String key = destination == null ? "" : destination;
    Destination d = destinations.get(key);
    if (d == null) {
      AttributesBuilder metric =
          Attributes.builder()
              .put(MESSAGING_SYSTEM, system)
              .put(MESSAGING_OPERATION_NAME, operation)
              .put(MESSAGING_OPERATION_TYPE, SemanticAttributes.OPERATION_SEND);
      if (destination != null) {
        metric.put(MESSAGING_DESTINATION_NAME, destination);
      }
      d =
          new Destination(
              destination == null ? operation : operation + " " + destination, metric.build());
      if (destinations.size() < MAX_CACHED_DESTINATIONS) { // queue names are few; stay bounded
        destinations.putIfAbsent(key, d);
      }
    }
    return d;
  }

  /** The queue every message goes to, or null when they go to several. */
  private static @Nullable String commonQueue(List<OutgoingMessage> messages) {
    String queue = messages.get(0).queue();
    for (OutgoingMessage m : messages) {
      if (!queue.equals(m.queue())) {
        return null;
      }
    }
    return queue;
  }
}
