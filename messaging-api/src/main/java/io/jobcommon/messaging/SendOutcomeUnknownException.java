package io.jobcommon.messaging;

import org.jspecify.annotations.Nullable;

/**
 * A send whose outcome is not known: the request may have reached the broker and the message may
 * have been stored, but no answer came back (a connection cut or timed out while the request was in
 * flight, a RabbitMQ publisher confirm that never arrived). Sending again may deliver the message
 * twice; send again with the same deduplication id (SQS FIFO) or make the consumer idempotent.
 *
 * <p>Deliberately not a {@link SendFailedException}: a caller that resends on {@code
 * SendFailedException} must not resend this one blindly. Immutable and thread-safe.
 */
public class SendOutcomeUnknownException extends MessagingException {
  private static final long serialVersionUID = 1L;

  private final String queue;

  /**
   * @param queue the destination queue; never null
   * @param message what happened, that the message may have been stored, and what to do; never null
   * @param cause the broker or network exception; may be null
   */
  public SendOutcomeUnknownException(String queue, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.queue = queue;
  }

  /** The queue the message was meant for. */
  public String queue() {
    return queue;
  }
}
