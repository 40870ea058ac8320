package io.jobcommon.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What a handler knows about the message it processes, and a client for follow-up sends. Messages
 * sent through {@link #client()} inside the handler continue the handler's trace.
 *
 * <p>Valid during one {@link JobConsumer#handle} call; thread-safe. Values are non-null.
 */
public interface JobContext {

  /** The broker's message id. */
  String messageId();

  /** The queue the message came from. */
  String queue();

  /** Which delivery this is: 1 for the first, 2 for the first retry, ... */
  int attempt();

  /** The message's headers; unmodifiable. */
  Map<String, String> headers();

  /** One header, if present. */
  default Optional<String> header(String name) {
    return Optional.ofNullable(headers().get(name));
  }

  /** When the message was received. */
  Instant receivedAt();

  /**
   * When the producer sent the message, where the broker tells (SQS {@code SentTimestamp}, the AMQP
   * {@code timestamp}); {@code receivedAt()} minus this is the time the message spent in the queue.
   */
  default Optional<Instant> sentAt() {
    return Optional.empty();
  }

  /** A client for follow-up messages; they continue this handler's trace. */
  MessageClient client();

  /**
   * Keeps the message from being redelivered for {@code duration} from now. On SQS the lease is
   * already kept alive while the handler runs; call this to ask for a longer step explicitly.
   */
  void extendLease(Duration duration);
}
