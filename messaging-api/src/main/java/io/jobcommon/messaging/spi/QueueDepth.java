package io.jobcommon.messaging.spi;

/**
 * The depth of one queue. Counts the broker cannot tell are {@link #UNKNOWN}. Immutable.
 *
 * @param queue the queue
 * @param ready messages waiting to be delivered (SQS approximate visible, RabbitMQ ready)
 * @param inFlight messages delivered and not settled yet (SQS approximate not visible, RabbitMQ
 *     unacked), or {@link #UNKNOWN}
 * @param delayed messages not deliverable yet (SQS approximate delayed), or {@link #UNKNOWN}
 */
public record QueueDepth(String queue, long ready, long inFlight, long delayed) {
  /** A count the broker does not report. */
  public static final long UNKNOWN = -1;
}
