package io.jobcommon.messaging.rabbitmq;

/**
 * The type of the durable queues a {@link RabbitMqTransport} declares ({@code <queue>} and {@code
 * <queue>-dlq}). Delay tiers are always classic queues: they only hold messages for their TTL.
 *
 * <p>Immutable and thread-safe.
 */
public enum QueueType {
  /** A classic durable queue: the broker's default, one copy of each message. */
  CLASSIC("classic"),
  /** A quorum queue: replicated over the cluster's nodes (Raft); needs RabbitMQ 3.8 or later. */
  QUORUM("quorum");

  private final String argument;

  QueueType(String argument) {
    this.argument = argument;
  }

  /** The value of the {@code x-queue-type} argument. */
  public String argument() {
    return argument;
  }
}
