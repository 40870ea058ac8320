package io.jobcommon.messaging;

import io.jobcommon.messaging.spi.Delivery;
import io.jobcommon.messaging.spi.DeliveryHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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

  private final JobConsumer<?> consumer;
  private final MessageClient client;
  private final PayloadCodec codec;
  private final RetryPolicy policy;
  private final Clock clock;

  ConsumerInvoker(JobConsumer<?> consumer, MessageClient client, Clock clock) {
    this.consumer = consumer;
    this.client = client;
    this.codec = client.codec();
    this.policy = consumer.retryPolicy();
    this.clock = clock;
  }

  @Override
  public void handle(Delivery delivery) {
    Object payload;
    try {
      payload = codec.decode(delivery.body(), consumer.payloadType());
    } catch (RuntimeException e) {
      String reason = DECODING_FAILED + ": " + e.getMessage();
      log.error(
          "{}: message {} on queue {} dead-lettered: {}",
          consumer.name(),
          delivery.messageId(),
          delivery.queue(),
          reason);
      delivery.deadLetter(reason, e);
      return;
    }
    try {
      invoke(payload, delivery);
    } catch (Throwable failure) { // a handler's Error must not kill the worker thread either
      if (failure instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      onFailure(delivery, failure);
      if (failure instanceof VirtualMachineError) {
        throw (VirtualMachineError) failure;
      }
      return;
    }
    delivery.ack();
  }

  @SuppressWarnings("unchecked")
  private void invoke(Object payload, Delivery delivery) throws Exception {
    ((JobConsumer<Object>) consumer).handle(payload, new Context(delivery));
  }

  private void onFailure(Delivery delivery, Throwable failure) {
    int attempt = delivery.attempt();
    String what = failure.getClass().getName() + ": " + failure.getMessage();
    if (!policy.isRetryable(failure)) {
      log.error(
          "{}: message {} on queue {} failed and is not retryable; dead-lettering it",
          consumer.name(),
          delivery.messageId(),
          delivery.queue(),
          failure);
      delivery.deadLetter(NON_RETRYABLE + ": " + what, failure);
    } else if (!policy.hasAttemptsLeft(attempt)) {
      log.error(
          "{}: message {} on queue {} failed on its last attempt ({} of {}); dead-lettering it",
          consumer.name(),
          delivery.messageId(),
          delivery.queue(),
          attempt,
          policy.maxAttempts(),
          failure);
      delivery.deadLetter(
          ATTEMPTS_EXHAUSTED + " (" + attempt + " of " + policy.maxAttempts() + "): " + what,
          failure);
    } else {
      Duration delay = policy.backoff(attempt);
      log.warn(
          "{}: message {} on queue {} failed on attempt {} of {}; retrying in {} ms",
          consumer.name(),
          delivery.messageId(),
          delivery.queue(),
          attempt,
          policy.maxAttempts(),
          delay.toMillis(),
          failure);
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
          + ", at="
          + clock.instant()
          + "}";
    }
  }
}
