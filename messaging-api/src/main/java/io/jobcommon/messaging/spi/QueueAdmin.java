package io.jobcommon.messaging.spi;

import java.util.List;
import java.util.Optional;

/**
 * Read-only questions about a broker's queues that operations tools and depth gauges ask: which
 * queues there are, and how many messages each holds. Never creates a queue. Thread-safe; values
 * are non-null.
 */
public interface QueueAdmin {

  /**
   * The names of the queues starting with {@code prefix} ({@code ""} for all), sorted, or empty
   * when the broker cannot list queues over this connection (RabbitMQ over AMQP).
   */
  Optional<List<String>> listQueues(String prefix);

  /**
   * How many messages {@code queue} holds now, as far as the broker says.
   *
   * @throws io.jobcommon.messaging.DestinationNotFoundException when the queue does not exist
   * @throws io.jobcommon.messaging.MessagingException when the broker cannot be asked
   */
  QueueDepth depth(String queue);
}
