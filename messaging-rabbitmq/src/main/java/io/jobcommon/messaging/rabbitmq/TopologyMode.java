package io.jobcommon.messaging.rabbitmq;

import java.util.Locale;

/**
 * What a {@link RabbitMqTransport} does about the queues it sends to and consumes from ({@code
 * RABBITMQ_TOPOLOGY}).
 *
 * <p>The rule, the same on every broker: a queue that exists is used as it is; what is missing is
 * declared (unless {@link #NONE}); a queue a consumer needs that does not exist at start, with
 * declaration off, is a start-up error. Immutable.
 */
public enum TopologyMode {
  /**
   * The default: declare what is missing ({@code <queue>}, {@code <queue>-dlq}, delay tiers); use a
   * queue that already exists with other arguments as it is, with one WARN saying what that costs.
   */
  ADAPT,
  /** Declare what is missing; a queue that exists with other arguments is an error. */
  STRICT,
  /**
   * Declare nothing: infrastructure code creates the queues. Subscribing to a missing queue fails;
   * a send to one fails with {@link io.jobcommon.messaging.DestinationNotFoundException}.
   */
  NONE;

  /** The setting's value: {@code adapt}, {@code strict} or {@code none}. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }
}
