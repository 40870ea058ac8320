package io.jobcommon.messaging;

import io.jobcommon.messaging.spi.CompactStack;
import io.jobcommon.messaging.spi.Delivery;
import io.jobcommon.messaging.spi.DeliveryHandler;
import io.jobcommon.messaging.spi.LogSafe;
import io.jobcommon.messaging.spi.StandardHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery handler of one consumer: decode, handle, settle. Every path settles the delivery
 * exactly once and nothing escapes to the transport's thread. Thread-safe.
 */
final class ConsumerInvoker implements DeliveryHandler {
  private static final Logger log = LoggerFactory.getLogger(ConsumerInvoker.class);

  static final String DECODING_FAILED = "payload-decoding-failed";
  static final String NON_RETRYABLE = "non-retryable";
  static final String ATTEMPTS_EXHAUSTED = "attempts-exhausted";
  static final String HEADERS_UNREADABLE = "headers-unreadable";

  private final JobConsumer<?> consumer;
  private final MessageClient client;
  private final PayloadCodec codec;
  private final RetryPolicy policy;

  ConsumerInvoker(JobConsumer<?> consumer, MessageClient client) {
    this.consumer = consumer;
    this.client = client;
    this.codec = client.codec();
    this.policy = consumer.retryPolicy();
  }

  @Override
  public void handle(Delivery delivery) {
    String unreadable = delivery.headers().get(StandardHeaders.UNREADABLE_HEADERS);
    if (unreadable != null) {
      deadLetterAtOnce(delivery, HEADERS_UNREADABLE + ": " + unreadable, null);
      return;
    }
    Object payload;
    try {
      payload = codec.decode(delivery.body(), consumer.payloadType());
    } catch (RuntimeException e) {
      deadLetterAtOnce(delivery, DECODING_FAILED + ": " + e.getMessage(), e);
      return;
    }
    try {
      invoke(payload, delivery);
    } catch (Throwable failure) { // a handler's Error must not kill the worker thread either
      if (failure instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      onFailure(delivery, failure);
      // After a stack overflow the stack has unwound and the thread is fine: carry on. Other
      // VirtualMachineErrors (out of memory) end the thread; the pool replaces it.
      if (failure instanceof VirtualMachineError && !(failure instanceof StackOverflowError)) {
        throw (VirtualMachineError) failure;
      }
      return;
    }
    delivery.ack();
  }

  private void deadLetterAtOnce(Delivery delivery, String reason, @Nullable Throwable cause) {
    log.error(
        "{}: message {} on queue {} dead-lettered: {}",
        consumer.name(),
        LogSafe.of(delivery.messageId()),
        LogSafe.of(delivery.queue()),
        LogSafe.of(reason, 1024));
    delivery.deadLetter(reason, cause);
  }

  @SuppressWarnings("unchecked")
  private void invoke(Object payload, Delivery delivery) throws Exception {
    ((JobConsumer<Object>) consumer).handle(payload, new Context(delivery));
  }

  private void onFailure(Delivery delivery, Throwable failure) {
    int attempt = delivery.attempt();
    String what = failure.getClass().getName() + ": " + failure.getMessage();
    String id = LogSafe.of(delivery.messageId());
    String queue = LogSafe.of(delivery.queue());
    // A stack overflow's 1,024 frames would flood the log on every attempt: one line instead.
    Throwable logged = failure instanceof StackOverflowError ? null : CompactStack.safe(failure);
    String overflow = logged == null ? " " + CompactStack.of(failure, attempt == 1 ? 8 : 1) : "";
    if (!policy.isRetryable(failure)) {
      log.error(
          "{}: message {} on queue {} failed and is not retryable; dead-lettering it{}",
          consumer.name(),
          id,
          queue,
          overflow,
          logged);
      delivery.deadLetter(NON_RETRYABLE + ": " + what, failure);
    } else if (!policy.hasAttemptsLeft(attempt)) {
      log.error(
          "{}: message {} on queue {} failed on its last attempt ({} of {}); dead-lettering it{}",
          consumer.name(),
          id,
          queue,
          attempt,
          policy.maxAttempts(),
          overflow,
          logged);
      delivery.deadLetter(
          ATTEMPTS_EXHAUSTED + " (" + attempt + " of " + policy.maxAttempts() + "): " + what,
          failure);
    } else {
      Duration delay = policy.backoff(attempt);
      log.warn(
          "{}: message {} on queue {} failed on attempt {} of {}; retrying in {} ms{}",
          consumer.name(),
          id,
          queue,
          attempt,
          policy.maxAttempts(),
          delay.toMillis(),
          overflow,
          logged);
      delivery.retryLater(delay, failure);
    }
  }

  /** The {@link JobContext} of one delivery. */
  private final class Context implements JobContext {
    private final Delivery delivery;

    Context(Delivery delivery) {
      this.delivery = delivery;
    }

    @Override
    public String messageId() {
      return delivery.messageId();
    }

    @Override
    public String queue() {
      return delivery.queue();
    }

    @Override
    public int attempt() {
      return delivery.attempt();
    }

    @Override
    public Map<String, String> headers() {
      return delivery.headers();
    }

    @Override
    public Instant receivedAt() {
      return delivery.receivedAt();
    }

    @Override
    public java.util.Optional<Instant> sentAt() {
      return delivery.sentAt();
    }

    @Override
    public MessageClient client() {
      return client;
    }

    @Override
    public void extendLease(Duration duration) {
      delivery.extendLease(duration);
    }

    @Override
    public String toString() {
      return "JobContext{queue="
          + delivery.queue()
          + ", messageId="
          + delivery.messageId()
          + ", attempt="
          + delivery.attempt()
          + "}";
    }
  }
}
