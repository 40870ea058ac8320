package io.jobcommon.messaging;

import org.jspecify.annotations.Nullable;

/**
 * A message could not be handed to the broker, or the broker did not confirm it: the message was
 * not sent and the caller decides whether to send it again.
 *
 * <p>Immutable and thread-safe.
 */
public class SendFailedException extends MessagingException {
  private static final long serialVersionUID = 1L;

  private final String queue;

  /**
   * @param queue the destination queue; never null
   * @param message what happened and the fix; never null
   * @param cause the broker exception; may be null
   */
  public SendFailedException(String queue, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.queue = queue;
  }

  /** The queue the message was meant for. */
  public String queue() {
    return queue;
  }
}
