package io.jobcommon.messaging;

import org.jspecify.annotations.Nullable;

/**
 * A payload could not be serialized; nothing was sent. Usually a type the codec cannot write (no
 * accessible properties, a cycle): fix the type or pass a raw body.
 *
 * <p>Immutable and thread-safe.
 */
public class PayloadEncodingException extends MessagingException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what could not be encoded
   * @param cause the codec's exception; may be null
   */
  public PayloadEncodingException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
