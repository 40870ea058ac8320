package io.jobcommon.messaging;

/**
 * A handler as a lambda, for {@link JobConsumer#of}.
 *
 * @param <T> the payload type
 */
@FunctionalInterface
public interface JobHandler<T> {

  /**
   * Processes one payload. Return to acknowledge; throw to retry (or to dead-letter, with a {@link
   * NonRetryableException}).
   */
  void handle(T payload, JobContext ctx) throws Exception;
}
