package io.jobcommon.messaging;

/**
 * A message is larger than its broker or queue accepts; it was rejected before any broker call.
 * Send a reference (for example an object-store key) instead of the content.
 *
 * <p>Immutable and thread-safe.
 */
public class MessageTooLargeException extends SendFailedException {
  private static final long serialVersionUID = 1L;

  private final long size;
  private final long limit;

  /**
   * @param queue the destination queue
   * @param size the message size in bytes, as the broker counts it
   * @param limit the largest size the queue accepts
   */
  public MessageTooLargeException(String queue, long size, long limit) {
    super(
        queue,
        "message to queue '"
            + queue
            + "' is "
            + size
            + " bytes, over the queue's limit of "
            + limit
            + " bytes; send a reference to the content (for example an object-store key) instead",
        null);
    this.size = size;
    this.limit = limit;
  }

  /** The rejected message's size in bytes. */
  public long size() {
    return size;
  }

  /** The queue's limit in bytes. */
  public long limit() {
    return limit;
  }
}
