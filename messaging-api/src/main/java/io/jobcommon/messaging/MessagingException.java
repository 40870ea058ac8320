package io.jobcommon.messaging;

import org.jspecify.annotations.Nullable;

/**
 * Root of every exception the SDK throws. Unchecked: broker exceptions are kept as the cause, never
 * in a signature. Each message names the queue concerned and, where there is one, the fix.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class MessagingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what happened, the queue concerned and the fix; never null
   */
  public MessagingException(String message) {
    super(message);
  }

  /**
   * @param message what happened, the queue concerned and the fix; never null
   * @param cause the broker or library exception behind it; may be null
   */
  public MessagingException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
