package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.DefaultExceptionHandler;
import io.jobcommon.messaging.MessageTooLargeException;
import io.jobcommon.messaging.MessagingException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link RabbitMqTransport}; {@link #build()} connects. Not thread-safe: one thread builds
 * one transport. Nothing may be null.
 */
public final class RabbitMqTransportBuilder {
  static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);

  @Nullable String uri;
  String uriSetting = "uri";
  @Nullable SSLContext sslContext;
  @Nullable ConnectionFactory factory;
  QueueType queueType = QueueType.CLASSIC;
  List<Duration> delayTiers = DelayTiers.DEFAULTS;
  TopologyMode topologyMode = TopologyMode.ADAPT;
  Duration confirmTimeout = Duration.ofSeconds(30);
  Duration publishRetryWindow = Duration.ofSeconds(30);
  @Nullable Duration recoveryInterval;
  @Nullable Duration heartbeat;
  int publisherChannels = 4;
  int maxMessageSize = 16 * 1024 * 1024;
  String connectionName = "job-common";
  Clock clock = Clock.systemUTC();
  Duration ackLinger = Duration.ofMillis(5);

  RabbitMqTransportBuilder() {}

  /**
   * The broker's URI, {@code amqp[s]://user:pass@host:port/vhost} (percent-encode special
   * characters, {@code %2F} for the vhost {@code /}). {@code amqps} uses TLS with host name
   * verification and the JVM's trust store (or {@link #setSslContext}).
   *
   * @throws io.jobcommon.messaging.ConfigurationException if malformed (the password masked)
   */
  public RabbitMqTransportBuilder setUri(String uri) {
    return setUri(uri, "RabbitMQ URI");
  }

  RabbitMqTransportBuilder setUri(String uri, String setting) {
    Objects.requireNonNull(uri, "uri");
    AmqpUri.apply(new ConnectionFactory(), uri, setting, null); // fail fast
    this.uri = uri;
    this.uriSetting = setting;
    this.factory = null;
    return this;
  }

  /** The TLS context for an {@code amqps} URI; the JVM's default when not set. */
  public RabbitMqTransportBuilder setSslContext(SSLContext sslContext) {
    this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
    return this;
  }

  /**
   * A configured connection factory instead of a URI. It is copied; the copy has automatic
   * connection and topology recovery turned on, whatever the original says.
   */
  public RabbitMqTransportBuilder setConnectionFactory(ConnectionFactory factory) {
    this.factory = Objects.requireNonNull(factory, "factory");
    this.uri = null;
    return this;
  }

  /** The type of {@code <queue>} and {@code <queue>-dlq}; classic by default. */
  public RabbitMqTransportBuilder setQueueType(QueueType queueType) {
    this.queueType = Objects.requireNonNull(queueType, "queueType");
    return this;
  }

  /**
   * The delay tiers (1 ms to 49 days each); by default 1 s, 5 s, 15 s, 1 min, 5 min, 15 min, 1 h.
   * Changing them for existing queues declares new tier queues; the old ones stay until deleted.
   */
  public RabbitMqTransportBuilder setDelayTiers(List<Duration> delayTiers) {
    List<Duration> copy = List.copyOf(delayTiers);
    DelayTiers.of(copy); // fail fast
    this.delayTiers = copy;
    return this;
  }

  /**
   * Whether the transport declares its queues (default true): {@code false} is {@link
   * TopologyMode#NONE}, {@code true} keeps a mode other than none, or sets {@link
   * TopologyMode#ADAPT}. When false the queues must exist; a send to a missing queue fails with
   * {@link io.jobcommon.messaging.DestinationNotFoundException}.
   */
  public RabbitMqTransportBuilder setDeclareTopology(boolean declareTopology) {
    if (!declareTopology) {
      this.topologyMode = TopologyMode.NONE;
    } else if (topologyMode == TopologyMode.NONE) {
      this.topologyMode = TopologyMode.ADAPT;
    }
    return this;
  }

  /**
   * What the transport does about queues that exist or are missing; {@link TopologyMode#ADAPT} by
   * default (declare what is missing, use what exists as it is).
   */
  public RabbitMqTransportBuilder setTopologyMode(TopologyMode topologyMode) {
    this.topologyMode = Objects.requireNonNull(topologyMode, "topologyMode");
    return this;
  }

  /** How long a send waits for the broker's confirm before failing; 30 s by default. */
  public RabbitMqTransportBuilder setConfirmTimeout(Duration confirmTimeout) {
    this.confirmTimeout = positive(confirmTimeout, "confirmTimeout");
    return this;
  }

  /**
   * How long a send keeps trying while the connection is down or recovering before it fails; 30 s
   * by default.
   */
  public RabbitMqTransportBuilder setPublishRetryWindow(Duration publishRetryWindow) {
    Objects.requireNonNull(publishRetryWindow, "publishRetryWindow");
    if (publishRetryWindow.isNegative()) {
      throw new IllegalArgumentException("publishRetryWindow must not be negative");
    }
    this.publishRetryWindow = publishRetryWindow;
    return this;
  }

  /**
   * The pause between reconnection attempts; 2 s by default for a URI, the factory's own (5 s by
   * default) for a connection factory unless set here.
   */
  public RabbitMqTransportBuilder setRecoveryInterval(Duration recoveryInterval) {
    this.recoveryInterval = positive(recoveryInterval, "recoveryInterval");
    return this;
  }

  /**
   * The AMQP heartbeat, in whole seconds (1 s to 65,535 s): a connection that receives nothing for
   * twice this long (a stalled broker, a half-open connection) is closed and recovered, and the
   * transport reports itself unhealthy meanwhile. 10 s by default for a URI (the broker may ask for
   * less), the factory's own (60 s by default) for a connection factory unless set here.
   */
  public RabbitMqTransportBuilder setHeartbeat(Duration heartbeat) {
    positive(heartbeat, "heartbeat");
    if (heartbeat.toMillis() % 1000 != 0 || heartbeat.toSeconds() > 65535) {
      throw new IllegalArgumentException(
          "heartbeat must be a whole number of seconds from 1s to 65535s, was " + heartbeat);
    }
    this.heartbeat = heartbeat;
    return this;
  }

  /** How many channels publish concurrently; 4 by default. */
  public RabbitMqTransportBuilder setPublisherChannels(int publisherChannels) {
    if (publisherChannels < 1) {
      throw new IllegalArgumentException("publisherChannels must be at least 1");
    }
    this.publisherChannels = publisherChannels;
    return this;
  }

  /**
   * The largest body sent, in bytes; larger ones fail with {@link MessageTooLargeException} before
   * reaching the broker (which would close the channel). 16 MiB by default, RabbitMQ 4's {@code
   * max_message_size}.
   */
  public RabbitMqTransportBuilder setMaxMessageSize(int maxMessageSize) {
    if (maxMessageSize < 1) {
      throw new IllegalArgumentException("maxMessageSize must be positive");
    }
    this.maxMessageSize = maxMessageSize;
    return this;
  }

  /** The prefix of the connections' names in the management UI; {@code job-common} by default. */
  public RabbitMqTransportBuilder setConnectionName(String connectionName) {
    this.connectionName = Objects.requireNonNull(connectionName, "connectionName");
    return this;
  }

  /** The clock for timestamps and dead-letter times; the system UTC clock by default. */
  public RabbitMqTransportBuilder setClock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * How long a consumer's ack may wait to be sent with others as one multiple ack; 5 ms. For tests:
   * not public, acks always go out before a subscription's channel closes.
   */
  RabbitMqTransportBuilder setAckLinger(Duration ackLinger) {
    this.ackLinger = positive(ackLinger, "ackLinger");
    return this;
  }

  /**
   * Connects and returns the transport.
   *
   * @throws MessagingException if the broker cannot be reached or refuses the credentials
   */
  public RabbitMqTransport build() {
    ConnectionFactory cf;
    if (factory != null) {
      cf = FrameCheckingConnectionFactory.copyOf(factory);
      if (recoveryInterval != null) {
        cf.setNetworkRecoveryInterval(recoveryInterval.toMillis());
      }
    } else if (uri != null) {
      cf = new FrameCheckingConnectionFactory();
      AmqpUri.apply(cf, uri, uriSetting, sslContext);
      cf.setNetworkRecoveryInterval(
          (recoveryInterval != null ? recoveryInterval : Duration.ofSeconds(2)).toMillis());
    } else {
      throw new IllegalStateException(
          "RabbitMqTransport needs a broker: call setUri(\"amqp://user:pass@host:5672/vhost\") or"
              + " setConnectionFactory(factory)");
    }
    if (heartbeat != null || uri != null) {
      cf.setRequestedHeartbeat(
          (int) (heartbeat != null ? heartbeat : DEFAULT_HEARTBEAT).toSeconds());
    }
    if (cf.getExceptionHandler() instanceof DefaultExceptionHandler) {
      cf.setExceptionHandler(new QuietExceptionHandler()); // the transport logs outages once
    }
    cf.setAutomaticRecoveryEnabled(true);
    cf.setTopologyRecoveryEnabled(true);
    String description = uri != null ? AmqpUri.mask(uri) : AmqpUri.describe(cf);
    try {
      return new RabbitMqTransport(this, cf, description);
    } catch (IOException | TimeoutException | RuntimeException e) {
      throw new MessagingException(ConnectFailure.describe(e, description, cf.getVirtualHost()), e);
    }
  }

  private static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
    return d;
  }
}
