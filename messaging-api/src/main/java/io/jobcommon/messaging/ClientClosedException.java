package io.jobcommon.messaging;

/**
 * The client or transport was closed; nothing was sent. Send before closing, or build a new client.
 *
 * <p>Immutable and thread-safe.
 */
public class ClientClosedException extends SendFailedException {
  private static final long serialVersionUID = 1L;

  /**
   * @param queue the queue the caller tried to use
   */
  public ClientClosedException(String queue) {
    super(
        queue,
        "cannot use queue '"
            + queue
            + "': the transport is closed; send before closing the runtime, or create a new one",
        null);
  }
}
