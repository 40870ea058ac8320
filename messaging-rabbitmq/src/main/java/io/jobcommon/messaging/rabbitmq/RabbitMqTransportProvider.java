package io.jobcommon.messaging.rabbitmq;

import io.jobcommon.messaging.ConfigurationException;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.spi.TransportProvider;
import io.jobcommon.messaging.spi.TransportSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code rabbitmq} {@link TransportProvider}, configured from:
 *
 * <ul>
 *   <li>{@code RABBITMQ_URL} (required): {@code amqp[s]://user:pass@host:port/vhost}
 *   <li>{@code RABBITMQ_QUEUE_TYPE}: {@code classic} (default) or {@code quorum}
 *   <li>{@code RABBITMQ_DELAY_TIERS}: comma-separated durations, such as {@code 1s,10s,1m,10m,1h}
 *   <li>{@code RABBITMQ_TOPOLOGY}: {@code adapt} (default), {@code strict} or {@code none}; see
 *       {@link TopologyMode}
 *   <li>{@code RABBITMQ_DECLARE_TOPOLOGY}: {@code true} (default) or {@code false} (the same as
 *       {@code RABBITMQ_TOPOLOGY=none}); read when {@code RABBITMQ_TOPOLOGY} is not set
 *   <li>{@code RABBITMQ_PUBLISH_RETRY_WINDOW}, {@code RABBITMQ_CONFIRM_TIMEOUT}: durations (30s)
 *   <li>{@code RABBITMQ_HEARTBEAT}: the AMQP heartbeat, whole seconds (10s); a stalled connection
 *       is noticed within twice this
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class RabbitMqTransportProvider implements TransportProvider {
  static final String URL = "RABBITMQ_URL";
  static final String QUEUE_TYPE = "RABBITMQ_QUEUE_TYPE";
  static final String DELAY_TIERS = "RABBITMQ_DELAY_TIERS";
  static final String DECLARE_TOPOLOGY = "RABBITMQ_DECLARE_TOPOLOGY";
  static final String TOPOLOGY = "RABBITMQ_TOPOLOGY";
  static final String PUBLISH_RETRY_WINDOW = "RABBITMQ_PUBLISH_RETRY_WINDOW";
  static final String CONFIRM_TIMEOUT = "RABBITMQ_CONFIRM_TIMEOUT";
  static final String HEARTBEAT = "RABBITMQ_HEARTBEAT";

  /** For {@link java.util.ServiceLoader}. */
  public RabbitMqTransportProvider() {}

  @Override
  public String name() {
    return "rabbitmq";
  }

  @Override
  public Transport create(TransportSettings settings) {
    return configure(settings).build();
  }

  /** The builder {@link #create} uses, every setting applied; does not connect. */
  RabbitMqTransport.Builder configure(TransportSettings settings) {
    RabbitMqTransport.Builder b =
        RabbitMqTransport.builder().setUri(settings.require(URL, AmqpUri.EXPECTED), URL);
    b.setQueueType(queueType(settings.get(QUEUE_TYPE)));
    Optional<String> tiers = settings.get(DELAY_TIERS);
    if (tiers.isPresent()) {
      b.setDelayTiers(delayTiers(tiers.get()));
    }
    b.setTopologyMode(topologyMode(settings));
    b.setPublishRetryWindow(settings.getDuration(PUBLISH_RETRY_WINDOW, Duration.ofSeconds(30)));
    Duration confirm = settings.getDuration(CONFIRM_TIMEOUT, Duration.ofSeconds(30));
    if (confirm.isZero()) {
      throw new ConfigurationException(
          CONFIRM_TIMEOUT, CONFIRM_TIMEOUT + " must be positive: '0' (expected such as 30s)");
    }
    b.setConfirmTimeout(confirm);
    b.setHeartbeat(heartbeat(settings));
    return b;
  }

  private static TopologyMode topologyMode(TransportSettings settings) {
    Optional<String> value = settings.get(TOPOLOGY);
    if (value.isEmpty()) {
      return settings.getBoolean(DECLARE_TOPOLOGY, true) ? TopologyMode.ADAPT : TopologyMode.NONE;
    }
    for (TopologyMode m : TopologyMode.values()) {
      if (m.value().equals(value.get().trim().toLowerCase(Locale.ROOT))) {
        return m;
      }
    }
    throw new ConfigurationException(
        TOPOLOGY,
        TOPOLOGY
            + " is not a topology mode: '"
            + value.get()
            + "' (expected adapt, strict or none)");
  }

  private static Duration heartbeat(TransportSettings settings) {
    Duration d = settings.getDuration(HEARTBEAT, Connections.DEFAULT_HEARTBEAT);
    if (d.isZero() || d.toMillis() % 1000 != 0 || d.getSeconds() > 65535) {
      throw new ConfigurationException(
          HEARTBEAT,
          HEARTBEAT
              + " must be a whole number of seconds from 1s to 65535s: '"
              + settings.get(HEARTBEAT).orElse("")
              + "' (expected such as 10s)");
    }
    return d;
  }

  private static QueueType queueType(Optional<String> value) {
    if (value.isEmpty()) {
      return QueueType.CLASSIC;
    }
    for (QueueType t : QueueType.values()) {
      if (t.argument().equals(value.get().toLowerCase(Locale.ROOT))) {
        return t;
      }
    }
    throw new ConfigurationException(
        QUEUE_TYPE,
        QUEUE_TYPE + " is not a queue type: '" + value.get() + "' (expected classic or quorum)");
  }

  static List<Duration> delayTiers(String value) {
    List<Duration> out = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      Duration d;
      try {
        d = TransportSettings.of(Map.of(DELAY_TIERS, part)).getDuration(DELAY_TIERS, Duration.ZERO);
      } catch (ConfigurationException e) {
        d = Duration.ZERO;
      }
      if (d.isZero()) {
        throw new ConfigurationException(
            DELAY_TIERS,
            DELAY_TIERS
                + " is not a list of delays: '"
                + value
                + "' (expected positive durations separated by commas, such as 1s,10s,1m,10m,1h)");
      }
      out.add(d);
    }
    try {
      io.jobcommon.messaging.rabbitmq.DelayTiers.of(out);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(
          DELAY_TIERS, DELAY_TIERS + " is not valid: '" + value + "' (" + e.getMessage() + ")");
    }
    return out;
  }
}
