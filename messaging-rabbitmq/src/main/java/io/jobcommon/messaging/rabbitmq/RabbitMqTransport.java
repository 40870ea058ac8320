package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ConnectionFactory;
import io.jobcommon.messaging.ClientClosedException;
import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.MessageTooLargeException;
import io.jobcommon.messaging.MessagingException;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.SendFailedException;
import io.jobcommon.messaging.spi.DeliveryHandler;
import io.jobcommon.messaging.spi.JavaAgent;
import io.jobcommon.messaging.spi.LogSafe;
import io.jobcommon.messaging.spi.QueueAdmin;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Subscriptions;
import io.jobcommon.messaging.spi.Transport;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Transport} on RabbitMQ (amqp-client 5.x).
 *
 * <pre>{@code
 * Transport rabbit = RabbitMqTransport.builder()
 *     .setUri("amqp://app:secret@rabbitmq:5672/jobs")
 *     .setQueueType(QueueType.QUORUM)
 *     .build();
 * }</pre>
 *
 * <ul>
 *   <li><b>Topology</b>, declared on the first send to or subscription of a queue as the {@link
 *       TopologyMode} says: durable {@code <queue>} and {@code <queue>-dlq}, and, when first
 *       needed, delay tiers {@code <queue>.delay.<ms>} whose per-queue TTL dead-letters messages
 *       back to {@code <queue>}. A queue that exists with other arguments is used as it is.
 *   <li><b>Send</b>: default exchange, routing key = queue, persistent, {@code mandatory}; the
 *       future completes on the broker's publisher confirm with the generated {@code message_id}.
 *       Unroutable, nacked or unconfirmed messages fail the send. While the connection recovers,
 *       the send is retried up to the publish retry window, then fails.
 *   <li><b>Delays</b> (delayed sends, {@code retryLater}) use the smallest tier at least as long as
 *       the delay; a delay longer than the largest tier uses the largest tier, so it arrives early.
 *   <li><b>Consume</b>: {@code basicQos(concurrency + prefetch)}, manual acks, handlers on their
 *       own threads. {@code extendLease} is a no-op: RabbitMQ has no lease, but it closes the
 *       channel of a consumer that holds a message unacked past its {@code consumer_timeout} (30
 *       min by default); the message then goes back to the queue and is delivered again.
 *   <li><b>Recovery</b>: amqp-client's automatic connection and topology recovery; consumers resume
 *       by themselves; settlements of deliveries from before the recovery are dropped (the broker
 *       redelivers those messages: at-least-once).
 * </ul>
 *
 * <p>Thread-safe. Its {@link #toString()} and logs show the URI with the password masked.
 */
public final class RabbitMqTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(RabbitMqTransport.class);

  private final String description;
  private final Connections connections;
  private final Publisher publisher;
  private final DelayTiers tiers;
  private final QueueType queueType;
  private final int maxMessageSize;
  private final Clock clock;
  private final ConsumerChannel.Shared consumers;
  private final ScheduledExecutorService scheduler;
  private final Set<RabbitMqSubscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  private RabbitMqTransport(Builder b, ConnectionFactory factory, String description)
      throws IOException, TimeoutException {
    this.description = description;
    this.tiers = DelayTiers.of(b.delayTiers);
    this.queueType = b.queueType;
    this.maxMessageSize = b.maxMessageSize;
    this.clock = b.clock;
    this.connections = new Connections(factory, b.connectionName, description);
    this.scheduler = Publisher.newScheduler();
    Topology topology = new Topology(connections.publish, b.queueType, b.topologyMode, description);
    this.publisher =
        new Publisher(
            connections.publish,
            topology,
            b.publisherChannels,
            scheduler,
            b.confirmTimeout,
            b.publishRetryWindow);
    // Beside the OpenTelemetry Java agent the probe publish would be a stray trace of its own
    // (the agent instruments every basic.publish) at each start: there, the first send warms up.
    if (!JavaAgent.isAttached()) {
      publisher.warmUp();
    }
    this.consumers =
        new ConsumerChannel.Shared(
            connections.consume,
            topology,
            description,
            publisher,
            tiers,
            clock,
            scheduler,
            b.ackLinger);
    log.info(
        "connected to RabbitMQ at {} (queue type {}, delay tiers {})",
        description,
        queueType.argument(),
        tiers);
  }

  /** A builder; set a URI or a connection factory. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String system() {
    return "rabbitmq";
  }

  @Override
  @SuppressWarnings("JavaUtilDate") // amqp-client's timestamp property is a Date
  public CompletableFuture<String> send(OutgoingMessage message) {
    try {
      Objects.requireNonNull(message, "message");
      String queue = message.queue();
      if (closed.get()) {
        return CompletableFuture.failedFuture(new ClientClosedException(queue));
      }
      byte[] body = message.body();
      if (body.length > maxMessageSize) {
        return CompletableFuture.failedFuture(
            new MessageTooLargeException(queue, body.length, maxMessageSize));
      }
      long tier = tiers.route(queue, message.delay(), "message");
      AMQP.BasicProperties props = AmqpHeaders.propertiesOf(message, clock.millis());
      return publisher.publish(
          publisher.pending(queue, DelayTiers.target(queue, tier), tier, props, body));
    } catch (RuntimeException e) {
      String queue = message == null ? "?" : message.queue();
      return CompletableFuture.failedFuture(
          e instanceof MessagingException
              ? e
              : new SendFailedException(queue, "could not send to queue '" + queue + "': " + e, e));
    }
  }

  @Override
  public Subscription subscribe(String queue, ConsumerOptions options, DeliveryHandler handler) {
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(handler, "handler");
    if (closed.get()) {
      throw new IllegalStateException(
          "transport is closed; cannot subscribe to queue '" + queue + "'");
    }
    return RabbitMqSubscription.start(queue, options, handler, consumers, subscriptions);
  }

  /** Queue depth by passive declaration (ready counts only; AMQP cannot list queues). */
  @Override
  public Optional<QueueAdmin> queueAdmin() {
    return Optional.of(new RabbitMqQueueAdmin(connections.publish, description));
  }

  /**
   * Whether both connections (publishing and consuming) are open and the transport is not closed. A
   * connection that receives nothing for twice the heartbeat interval (a stalled broker, a
   * half-open connection) is closed and recovered, so this turns false within that bound.
   */
  @Override
  public boolean isHealthy() {
    return !closed.get() && connections.isOpen();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    connections.closing();
    try {
      Subscriptions.closeAll(subscriptions);
    } catch (RuntimeException e) {
      log.warn("closing the consumers failed: {}", LogSafe.of(e, 1024));
    }
    publisher.close();
    scheduler.shutdownNow();
    connections.close();
    log.info("closed RabbitMQ transport to {}", description);
  }

  @Override
  public String toString() {
    return String.format(
        "RabbitMqTransport{%s, queueType=%s, delayTiers=%s}",
        description, queueType.argument(), tiers);
  }

  /**
   * Builds a {@link RabbitMqTransport}; {@link #build()} connects. Not thread-safe: one thread
   * builds one transport. Nothing may be null.
   */
  public static final class Builder {
    private @Nullable String uri;
    private String uriSetting = "uri";
    private @Nullable SSLContext sslContext;
    private @Nullable ConnectionFactory factory;
    private QueueType queueType = QueueType.CLASSIC;
    private List<Duration> delayTiers = DelayTiers.DEFAULTS;
    private TopologyMode topologyMode = TopologyMode.ADAPT;
    private Duration confirmTimeout = Duration.ofSeconds(30);
    private Duration publishRetryWindow = Duration.ofSeconds(30);
    private @Nullable Duration recoveryInterval;
    private @Nullable Duration heartbeat;
    private int publisherChannels = 4;
    private int maxMessageSize = 16 * 1024 * 1024;
    private String connectionName = "job-common";
    private Clock clock = Clock.systemUTC();
    private Duration ackLinger = Duration.ofMillis(5);

    private Builder() {}

    /**
     * The broker's URI, {@code amqp[s]://user:pass@host:port/vhost} (percent-encode special
     * characters, {@code %2F} for the vhost {@code /}). {@code amqps} uses TLS with host name
     * verification and the JVM's trust store (or {@link #setSslContext}).
     *
     * @throws io.jobcommon.messaging.ConfigurationException if malformed (the password masked)
     */
    public Builder setUri(String uri) {
      return setUri(uri, "RabbitMQ URI");
    }

    Builder setUri(String uri, String setting) {
      Objects.requireNonNull(uri, "uri");
      AmqpUri.apply(new ConnectionFactory(), uri, setting, null); // fail fast
      this.uri = uri;
      this.uriSetting = setting;
      this.factory = null;
      return this;
    }

    /** The TLS context for an {@code amqps} URI; the JVM's default when not set. */
    public Builder setSslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /**
     * A configured connection factory instead of a URI. It is copied; the copy has automatic
     * connection and topology recovery turned on, whatever the original says.
     */
    public Builder setConnectionFactory(ConnectionFactory factory) {
      this.factory = Objects.requireNonNull(factory, "factory");
      this.uri = null;
      return this;
    }

    /** The type of {@code <queue>} and {@code <queue>-dlq}; classic by default. */
    public Builder setQueueType(QueueType queueType) {
      this.queueType = Objects.requireNonNull(queueType, "queueType");
      return this;
    }

    /**
     * The delay tiers (1 ms to 49 days each); by default 1 s, 5 s, 15 s, 1 min, 5 min, 15 min, 1 h.
     * Changing them for existing queues declares new tier queues; the old ones stay until deleted.
     */
    public Builder setDelayTiers(List<Duration> delayTiers) {
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
    public Builder setDeclareTopology(boolean declareTopology) {
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
    public Builder setTopologyMode(TopologyMode topologyMode) {
      this.topologyMode = Objects.requireNonNull(topologyMode, "topologyMode");
      return this;
    }

    /** How long a send waits for the broker's confirm before failing; 30 s by default. */
    public Builder setConfirmTimeout(Duration confirmTimeout) {
      this.confirmTimeout = positive(confirmTimeout, "confirmTimeout");
      return this;
    }

    /**
     * How long a send keeps trying while the connection is down or recovering before it fails; 30 s
     * by default.
     */
    public Builder setPublishRetryWindow(Duration publishRetryWindow) {
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
    public Builder setRecoveryInterval(Duration recoveryInterval) {
      this.recoveryInterval = positive(recoveryInterval, "recoveryInterval");
      return this;
    }

    /**
     * The AMQP heartbeat, in whole seconds (1 s to 65,535 s): a connection that receives nothing
     * for twice this long (a stalled broker, a half-open connection) is closed and recovered, and
     * the transport reports itself unhealthy meanwhile. 10 s by default for a URI (the broker may
     * ask for less), the factory's own (60 s by default) for a connection factory unless set here.
     */
    public Builder setHeartbeat(Duration heartbeat) {
      positive(heartbeat, "heartbeat");
      if (heartbeat.toMillis() % 1000 != 0 || heartbeat.toSeconds() > 65535) {
        throw new IllegalArgumentException(
            "heartbeat must be a whole number of seconds from 1s to 65535s, was " + heartbeat);
      }
      this.heartbeat = heartbeat;
      return this;
    }

    /** How many channels publish concurrently; 4 by default. */
    public Builder setPublisherChannels(int publisherChannels) {
      if (publisherChannels < 1) {
        throw new IllegalArgumentException("publisherChannels must be at least 1");
      }
      this.publisherChannels = publisherChannels;
      return this;
    }

    /**
     * The largest body sent, in bytes; larger ones fail with {@link MessageTooLargeException}
     * before reaching the broker (which would close the channel). 16 MiB by default, RabbitMQ 4's
     * {@code max_message_size}.
     */
    public Builder setMaxMessageSize(int maxMessageSize) {
      if (maxMessageSize < 1) {
        throw new IllegalArgumentException("maxMessageSize must be positive");
      }
      this.maxMessageSize = maxMessageSize;
      return this;
    }

    /** The prefix of the connections' names in the management UI; {@code job-common} by default. */
    public Builder setConnectionName(String connectionName) {
      this.connectionName = Objects.requireNonNull(connectionName, "connectionName");
      return this;
    }

    /** The clock for timestamps and dead-letter times; the system UTC clock by default. */
    public Builder setClock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How long a consumer's ack may wait to be sent with others as one multiple ack; 5 ms. For
     * tests: not public, acks always go out before a subscription's channel closes.
     */
    Builder setAckLinger(Duration ackLinger) {
      this.ackLinger = positive(ackLinger, "ackLinger");
      return this;
    }

    /**
     * Connects and returns the transport.
     *
     * @throws MessagingException if the broker cannot be reached or refuses the credentials
     */
    public RabbitMqTransport build() {
      ConnectionFactory cf =
          Connections.factory(factory, uri, uriSetting, sslContext, recoveryInterval, heartbeat);
      String description = uri != null ? AmqpUri.mask(uri) : AmqpUri.describe(cf);
      try {
        return new RabbitMqTransport(this, cf, description);
      } catch (IOException | TimeoutException | RuntimeException e) {
        throw new MessagingException(
            ConnectFailure.describe(e, description, cf.getVirtualHost()), e);
      }
    }

    /** The topology mode set so far; for tests. */
    TopologyMode topologyMode() {
      return topologyMode;
    }

    /** The heartbeat set so far, null for the default; for tests. */
    @Nullable Duration heartbeat() {
      return heartbeat;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }
  }
}
