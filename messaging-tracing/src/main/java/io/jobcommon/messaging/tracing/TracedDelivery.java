package io.jobcommon.messaging.tracing;

import static io.jobcommon.messaging.tracing.SemanticAttributes.ERROR_TYPE;
import static io.jobcommon.messaging.tracing.SemanticAttributes.JC_DEAD_LETTER_REASON;
import static io.jobcommon.messaging.tracing.SemanticAttributes.JC_RETRY_DELAY_MS;
import static io.jobcommon.messaging.tracing.SemanticAttributes.JC_SETTLEMENT;
import static io.jobcommon.messaging.tracing.SemanticAttributes.MESSAGING_OPERATION_NAME;
import static io.jobcommon.messaging.tracing.SemanticAttributes.MESSAGING_OPERATION_TYPE;

import io.jobcommon.messaging.spi.DeadLetters;
import io.jobcommon.messaging.spi.Delivery;
import io.jobcommon.messaging.spi.FirstSettle;
import io.jobcommon.messaging.spi.LogSafe;
import io.opentelemetry.api.common.Attributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery a traced handler sees: the transport's delivery, whose first settle verb also
 * records the outcome on the process span ({@code jc.settlement}; a retry's cause or a
 * dead-letter's reason as ERROR) and in the metrics. Thread-safe, like the delivery it wraps.
 */
final class TracedDelivery implements Delivery {
  private static final Logger log = LoggerFactory.getLogger(TracedDelivery.class);

  static final String ACK = "ack";
  static final String RETRY = "retry";
  static final String DEAD_LETTER = "dead_letter";
  static final String RELEASE = "release";

  private final Delivery delegate;
  private final ProcessSpan processSpan;
  private final MessagingMetrics metrics;
  private final Attributes metricAttributes;
  private final SettleAttributes settleAttributes;

  /**
   * The metric labels of one queue's settlements, built once per queue rather than per message.
   * Immutable.
   */
  static final class SettleAttributes {
    final Attributes queue;
    private final Map<String, Attributes> byOutcome;

    SettleAttributes(Attributes queue) {
      this.queue = queue;
      this.byOutcome =
          Map.of(
              ACK, settle(queue, ACK),
              RETRY, settle(queue, RETRY),
              DEAD_LETTER, settle(queue, DEAD_LETTER),
              RELEASE, settle(queue, RELEASE));
    }

    private static Attributes settle(Attributes queue, String outcome) {
      return queue.toBuilder()
          .put(MESSAGING_OPERATION_NAME, outcome)
          .put(MESSAGING_OPERATION_TYPE, SemanticAttributes.OPERATION_SETTLE)
          .build();
    }

    Attributes of(String outcome) {
      Attributes a = byOutcome.get(outcome);
      return a != null ? a : settle(queue, outcome);
    }
  }

  /** The outcome is recorded for the verb that wins, once; the delegate keeps the same rule. */
  private final FirstSettle firstSettle = new FirstSettle();

  TracedDelivery(
      Delivery delegate,
      ProcessSpan processSpan,
      MessagingMetrics metrics,
      SettleAttributes settleAttributes) {
    this.delegate = delegate;
    this.processSpan = processSpan;
    this.metrics = metrics;
    this.metricAttributes = settleAttributes.queue;
    this.settleAttributes = settleAttributes;
  }

  @Override
  public String queue() {
    return delegate.queue();
  }

  @Override
  public String messageId() {
    return delegate.messageId();
  }

  @Override
  public byte[] body() {
    return delegate.body();
  }

  @Override
  public int bodySize() {
    return delegate.bodySize();
  }

  @Override
  public Map<String, String> headers() {
    return delegate.headers();
  }

  @Override
  public int attempt() {
    return delegate.attempt();
  }

  @Override
  public Instant receivedAt() {
    return delegate.receivedAt();
  }

  @Override
  public java.util.Optional<Instant> sentAt() {
    return delegate.sentAt();
  }

  @Override
  public boolean isSettled() {
    return delegate.isSettled();
  }

  @Override
  public CompletableFuture<Void> ack() {
    return settle(ACK, () -> {}, delegate::ack);
  }

  @Override
  public CompletableFuture<Void> retryLater(Duration delay, @Nullable Throwable cause) {
    return settle(
        RETRY,
        () -> {
          processSpan.span().setAttribute(JC_RETRY_DELAY_MS, delay.toMillis());
          if (cause != null) {
            processSpan.fail(cause, null);
          }
          metrics.retried.add(1, metricAttributes);
        },
        () -> delegate.retryLater(delay, cause));
  }

  @Override
  public CompletableFuture<Void> deadLetter(String reason, @Nullable Throwable cause) {
    return settle(
        DEAD_LETTER,
        () -> {
          String kept = DeadLetters.truncate(reason);
          processSpan.span().setAttribute(JC_DEAD_LETTER_REASON, kept);
          if (cause != null) {
            processSpan.fail(cause, kept);
          } else {
            processSpan.fail(DEAD_LETTER, kept);
          }
          metrics.deadLettered.add(1, metricAttributes);
        },
        () -> delegate.deadLetter(reason, cause));
  }

  @Override
  public CompletableFuture<Void> release() {
    return settle(RELEASE, () -> {}, delegate::release);
  }

  @Override
  public CompletableFuture<Void> extendLease(Duration duration) {
    return delegate.extendLease(duration);
  }

  private CompletableFuture<Void> settle(
      String outcome, Runnable record, Supplier<CompletableFuture<Void>> action) {
    boolean first = firstSettle.claim() && !delegate.isSettled();
    long start = System.nanoTime();
    if (first) {
      try {
        processSpan.span().setAttribute(JC_SETTLEMENT, outcome);
        record.run();
      } catch (RuntimeException e) {
        log.warn(
            "recording the {} of message {} on its span failed",
            outcome,
            LogSafe.of(messageId()),
            e);
      }
    }
    CompletableFuture<Void> result;
    try {
      result = action.get();
    } finally {
      if (first) {
        processSpan.settled();
      }
    }
    if (first) {
      if (result.isDone() && !result.isCompletedExceptionally()) {
        recordSettleDuration(outcome, start, null); // the usual ack: no stage just to time it
      } else {
        result.whenComplete((ok, error) -> recordSettleDuration(outcome, start, error));
      }
    }
    return result;
  }

  private void recordSettleDuration(String outcome, long start, @Nullable Throwable error) {
    try {
      Attributes attributes = settleAttributes.of(outcome);
      if (error != null) {
        attributes =
            attributes.toBuilder().put(ERROR_TYPE, SemanticAttributes.errorType(error)).build();
      }
      metrics.operationDuration.record(
          MessagingMetrics.seconds(System.nanoTime() - start), attributes);
    } catch (RuntimeException e) {
      log.debug("recording the settle duration failed", e);
    }
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
