package io.jobcommon.messaging.tracing;

import static io.jobcommon.messaging.tracing.SemanticAttributes.JC_ATTEMPT;
import static io.jobcommon.messaging.tracing.SemanticAttributes.JC_TIME_IN_QUEUE_MS;
import static io.jobcommon.messaging.tracing.SemanticAttributes.MESSAGING_DESTINATION_NAME;
import static io.jobcommon.messaging.tracing.SemanticAttributes.MESSAGING_MESSAGE_BODY_SIZE;
import static io.jobcommon.messaging.tracing.SemanticAttributes.MESSAGING_MESSAGE_ID;
import static io.jobcommon.messaging.tracing.SemanticAttributes.MESSAGING_OPERATION_NAME;
import static io.jobcommon.messaging.tracing.SemanticAttributes.MESSAGING_OPERATION_TYPE;
import static io.jobcommon.messaging.tracing.SemanticAttributes.MESSAGING_SYSTEM;

import io.jobcommon.messaging.spi.Delivery;
import io.jobcommon.messaging.spi.DeliveryHandler;
import io.jobcommon.messaging.spi.LogSafe;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer half of {@link TracingTransport}: runs the user's handler for each delivery inside a
 * CONSUMER span {@code process {queue}} that continues the producer's trace. Parent: the message's
 * creation context (extracted against the root context), never a span that happens to be current on
 * the delivering thread (such as the OpenTelemetry Java agent's own process span, which the agent
 * carries into executors); the span always links to the creation context. The span and the MDC ids
 * are current only while the handler runs on this thread. Thread-safe.
 */
final class TracingDeliveryHandler implements DeliveryHandler {
  private static final Logger log = LoggerFactory.getLogger(TracingDeliveryHandler.class);

  /** Marks the context the handler runs in, so that a scope it leaves open can be recognised. */
  private static final ContextKey<Object> HANDLER_SCOPE =
      ContextKey.named("io.jobcommon.messaging.handler-scope");

  private final DeliveryHandler handler;
  private final TelemetryConfig config;
  private final ContextExtractor extractor;
  private final String system;
  private final String queue;
  private final Attributes queueAttributes;
  private final Attributes processAttributes;
  private final AtomicBoolean leakReported = new AtomicBoolean();
  private final String spanName;
  private final TracedDelivery.SettleAttributes settleAttributes;
  private final Supplier<Context> currentContext;

  TracingDeliveryHandler(
      DeliveryHandler handler,
      TelemetryConfig config,
      ContextExtractor extractor,
      String system,
      String queue) {
    this(handler, config, extractor, system, queue, Context::current);
  }

  /**
   * With the source of the thread's current context, which tests replace by one that, like the
   * OpenTelemetry Java agent's context storage, hands out a new wrapper object on every call.
   */
  TracingDeliveryHandler(
      DeliveryHandler handler,
      TelemetryConfig config,
      ContextExtractor extractor,
      String system,
      String queue,
      Supplier<Context> currentContext) {
    this.handler = handler;
    this.config = config;
    this.extractor = extractor;
    this.system = system;
    this.queue = queue;
    this.queueAttributes =
        Attributes.of(MESSAGING_SYSTEM, system, MESSAGING_DESTINATION_NAME, queue);
    this.processAttributes =
        queueAttributes.toBuilder()
            .put(MESSAGING_OPERATION_NAME, SemanticAttributes.OPERATION_PROCESS)
            .put(MESSAGING_OPERATION_TYPE, SemanticAttributes.OPERATION_PROCESS)
            .build();
    this.spanName = SemanticAttributes.OPERATION_PROCESS + " " + queue;
    this.settleAttributes = new TracedDelivery.SettleAttributes(queueAttributes);
    this.currentContext = currentContext;
  }

  @Override
  @SuppressWarnings("try") // the scopes are used for their side effect only
  public void handle(Delivery delivery) {
    long start = System.nanoTime();
    ProcessSpan processSpan;
    Context context;
    Object marker = new Object(); // this run's: a nested run (in-memory delivery) has another
    try {
      config.metrics.consumedMessages.add(1, processAttributes);
      long queuedMs = timeInQueueMillis(delivery);
      if (queuedMs >= 0) {
        config.metrics.timeInQueue.record(queuedMs / 1000.0, queueAttributes);
      }
      ContextExtractor.Extracted creation = extractor.extract(delivery, system);
      Context parent = parent(creation);
      Span span = startSpan(parent);
      if (span.isRecording()) {
        describe(span, delivery, creation, queuedMs);
      }
      processSpan = new ProcessSpan(span, start, config.metrics, processAttributes);
      context = SpanKeys.consumer(parent, span).with(HANDLER_SCOPE, marker);
    } catch (RuntimeException e) {
      log.warn(
          "tracing message {} on queue {} failed; handling it untraced",
          LogSafe.of(delivery.messageId()),
          queue,
          e);
      handler.handle(delivery);
      return;
    }

    Delivery traced = new TracedDelivery(delivery, processSpan, config.metrics, settleAttributes);
    Context before = currentContext.get();
    boolean threw = true;
    try (Scope ignored = context.makeCurrent();
        MdcScope mdc = MdcScope.open(processSpan.span().getSpanContext())) {
      handler.handle(traced);
      threw = false;
    } catch (RuntimeException | Error e) {
      processSpan.handlerThrew(e);
      throw e;
    } finally {
      if (!threw) {
        processSpan.handlerReturned();
      }
      restoreIfLeaked(before, marker);
    }
  }

  /**
   * Receipt minus send, in ms (0 when the clocks disagree), or -1 when the send time is unknown.
   */
  static long timeInQueueMillis(Delivery delivery) {
    Optional<Instant> sent = delivery.sentAt();
    if (sent.isEmpty()) {
      return -1;
    }
    return Math.max(0, delivery.receivedAt().toEpochMilli() - sent.get().toEpochMilli());
  }

  /**
   * A handler that made a scope current and never closed it leaves that context on this pooled
   * thread (OpenTelemetry ignores our scope's close when it is not the current one), and every
   * later message here would become its child. Put the thread back as it was. "As it was" is
   * compared by content, not identity: under the OpenTelemetry Java agent every read of the current
   * context returns a new wrapper object, which is not a leak.
   */
  private void restoreIfLeaked(Context before, Object marker) {
    Context after = currentContext.get();
    if (after == before || !leaked(before, after, marker)) {
      return;
    }
    before.makeCurrent();
    if (leakReported.compareAndSet(false, true)) {
      log.warn(
          "a handler of queue {} left an OpenTelemetry scope open (makeCurrent() without close());"
              + " the handler thread was reset. Use try-with-resources for every Scope. Logged"
              + " once per consumer.",
          queue);
    }
  }

  /**
   * Whether {@code after} is not the context the thread had before the handler ran: it still
   * derives from the handler's context (a scope opened inside it was left open), or its span or
   * baggage differ.
   */
  static boolean leaked(Context before, Context after, Object marker) {
    return after.get(HANDLER_SCOPE) == marker
        || !Span.fromContext(after)
            .getSpanContext()
            .equals(Span.fromContext(before).getSpanContext())
        || !Baggage.fromContext(after).equals(Baggage.fromContext(before));
  }

  /**
   * The creation context, or a new trace when there is none (or parenting is turned off). A span
   * current on this thread is deliberately ignored: it belongs to whoever delivered the message.
   */
  private Context parent(ContextExtractor.Extracted creation) {
    if (config.creationContextAsParent && creation.isValid()) {
      return creation.context();
    }
    // A new trace; baggage of the message (if any) stays available to the handler.
    return creation.context().with(Span.getInvalid());
  }

  /**
   * Starts the span with what a sampler may decide on (the span kind, the parent and the queue's
   * attributes, built once per queue); the per-message attributes and the link are added by {@link
   * #describe} only when the span records, so that an unsampled message builds none of them.
   */
  private Span startSpan(Context parent) {
    SpanBuilder builder =
        config
            .tracer
            .spanBuilder(spanName)
            .setSpanKind(SpanKind.CONSUMER)
            .setParent(parent)
            .setAllAttributes(processAttributes);
    if (!Span.fromContext(parent).getSpanContext().isValid()) {
      builder.setNoParent();
    }
    return builder.startSpan();
  }

  /** The per-message attributes and the link to the creation context, on a recording span. */
  private static void describe(
      Span span, Delivery delivery, ContextExtractor.Extracted creation, long queuedMs) {
    span.setAttribute(MESSAGING_MESSAGE_ID, LogSafe.of(delivery.messageId()));
    span.setAttribute(MESSAGING_MESSAGE_BODY_SIZE, (long) delivery.bodySize());
    span.setAttribute(JC_ATTEMPT, (long) delivery.attempt());
    if (queuedMs >= 0) {
      span.setAttribute(JC_TIME_IN_QUEUE_MS, queuedMs);
    }
    if (creation.isValid()) {
      span.addLink(creation.spanContext());
    }
  }
}
