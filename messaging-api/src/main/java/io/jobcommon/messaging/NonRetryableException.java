package io.jobcommon.messaging;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by a handler to say that retrying cannot help (a missing record, a rejected input): the
 * dispatcher dead-letters the message at once with the exception's message as the reason. Found
 * anywhere in the cause chain of the handler's exception.
 *
 * <pre>{@code
 * if (org == null) throw new NonRetryableException("organisation " + id + " does not exist");
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public class NonRetryableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message why the message cannot be processed; becomes the dead-letter reason
   */
  public NonRetryableException(String message) {
    super(message);
  }

  /**
   * @param message why the message cannot be processed; becomes the dead-letter reason
   * @param cause the underlying failure; may be null
   */
  public NonRetryableException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
