package io.jobcommon.messaging;

import org.jspecify.annotations.Nullable;

/**
 * A queue does not exist on the broker. Create it (infrastructure as code), or turn on the
 * transport's auto-create option in development.
 *
 * <p>Immutable and thread-safe.
 */
public class DestinationNotFoundException extends SendFailedException {
  private static final long serialVersionUID = 1L;

  /**
   * @param queue the missing queue
   * @param hint how to create it on this broker
   * @param cause the broker's exception; may be null
   */
  public DestinationNotFoundException(String queue, String hint, @Nullable Throwable cause) {
    super(queue, "queue '" + queue + "' does not exist; " + hint, cause);
  }
}
