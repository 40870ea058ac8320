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
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer half of {@link TracingTransport}: runs the user's handler for each delivery inside a
 * CONSUMER span {@code process {queue}} that continues the producer's trace. Parent: the span
 * current on the handler thread if there is one, otherwise the message's creation context; the span
 * always links to the creation context. The span and the MDC ids are current only while the handler
 * runs on this thread. Thread-safe.
 */
final class TracingDeliveryHandler implements DeliveryHandler {
  private static final Logger log = LoggerFactory.getLogger(TracingDeliveryHandler.class);

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

  TracingDeliveryHandler(
      DeliveryHandler handler,
      TelemetryConfig config,
      ContextExtractor extractor,
      String system,
      String queue) {
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
  }

  @Override
  @SuppressWarnings("try") // the scopes are used for their side effect only
  public void handle(Delivery delivery) {
    long start = System.nanoTime();
    ProcessSpan processSpan;
    Context context;
    try {
      config.metrics.consumedMessages.add(1, processAttributes);
      long queuedMs = timeInQueueMillis(delivery);
      if (queuedMs >= 0) {
        config.metrics.timeInQueue.record(queuedMs / 1000.0, queueAttributes);
      }
      ContextExtractor.Extracted creation = extractor.extract(delivery, system);
      Context parent = parent(creation);
      Span span = startSpan(delivery, creation, parent);
      if (queuedMs >= 0) {
        span.setAttribute(JC_TIME_IN_QUEUE_MS, queuedMs);
      }
      processSpan = new ProcessSpan(span, start, config.metrics, processAttributes);
      context = parent.with(span);
    } catch (RuntimeException e) {
      log.warn(
          "tracing message {} on queue {} failed; handling it untraced",
          delivery.messageId(),
          queue,
          e);
      handler.handle(delivery);
      return;
    }

    Delivery traced = new TracedDelivery(delivery, processSpan, config.metrics, settleAttributes);
    Context before = Context.current();
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
      restoreIfLeaked(before);
    }
  }

  /**
   * Receipt minus send, in ms (0 when the clocks disagree), or -1 when the send time is unknown.
   */
  static long timeInQueueMillis(Delivery delivery) {
    return delivery
        .sentAt()
        .map(sent -> Math.max(0, delivery.receivedAt().toEpochMilli() - sent.toEpochMilli()))
        .orElse(-1L);
  }

  /**
   * A handler that made a scope current and never closed it leaves that context on this pooled
   * thread (OpenTelemetry ignores our scope's close when it is not the current one), and every
   * later message here would become its child. Put the thread back as it was.
   */
  private void restoreIfLeaked(Context before) {
    if (Context.current() == before) {
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
   * The span current on this thread when there is one (an HTTP request, a test), since the spec
   * advises against re-parenting inside another span; otherwise the creation context.
   */
  private Context parent(ContextExtractor.Extracted creation) {
    Context current = Context.current();
    if (Span.fromContext(current).getSpanContext().isValid()) {
      return current;
    }
    if (config.creationContextAsParent && creation.isValid()) {
      return creation.context();
    }
    // A new trace; baggage of the message (if any) stays available to the handler.
    return creation.context().with(Span.getInvalid());
  }

  private Span startSpan(Delivery delivery, ContextExtractor.Extracted creation, Context parent) {
    SpanBuilder builder =
        config
            .tracer
            .spanBuilder(spanName)
            .setSpanKind(SpanKind.CONSUMER)
            .setParent(parent)
            .setAllAttributes(processAttributes)
            .setAttribute(MESSAGING_MESSAGE_ID, delivery.messageId())
            .setAttribute(MESSAGING_MESSAGE_BODY_SIZE, (long) delivery.bodySize())
            .setAttribute(JC_ATTEMPT, (long) delivery.attempt());
    if (!Span.fromContext(parent).getSpanContext().isValid()) {
      builder.setNoParent();
    }
    if (creation.isValid()) {
      builder.addLink(creation.spanContext());
    }
    return builder.startSpan();
  }
}
