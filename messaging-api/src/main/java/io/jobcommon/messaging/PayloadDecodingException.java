package io.jobcommon.messaging;

import org.jspecify.annotations.Nullable;

/**
 * A message body could not be turned into the consumer's payload type. The dispatcher dead-letters
 * such a message at once with the reason {@code payload-decoding-failed: ...}: retrying cannot fix
 * it.
 *
 * <p>Immutable and thread-safe.
 */
public class PayloadDecodingException extends MessagingException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what could not be decoded into which type; never contains the body itself
   * @param cause the codec's exception; may be null
   */
  public PayloadDecodingException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
