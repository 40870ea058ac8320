package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.jobcommon.messaging.ClientClosedException;
import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.MessageTooLargeException;
import io.jobcommon.messaging.MessagingException;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.SendFailedException;
import io.jobcommon.messaging.spi.DeliveryHandler;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
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
 *   <li><b>Topology</b>, declared on the first send to or subscription of a queue (unless {@link
 *       Builder#setDeclareTopology(boolean) turned off}): durable {@code <queue>} and {@code
 *       <queue>-dlq}, and, when first needed, delay tiers {@code <queue>.delay.<ms>} whose
 *       per-queue TTL dead-letters messages back to {@code <queue>}.
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
  private final Connection publishConnection;
  private final Connection consumeConnection;
  private final Publisher publisher;
  private final Topology topology;
  private final DelayTiers tiers;
  private final QueueType queueType;
  private final int maxMessageSize;
  private final Clock clock;
  private final Duration ackLinger;
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
    this.ackLinger = b.ackLinger;
    this.publishConnection = factory.newConnection(b.connectionName + "-publish");
    try {
      this.consumeConnection = factory.newConnection(b.connectionName + "-consume");
    } catch (IOException | TimeoutException | RuntimeException e) {
      publishConnection.abort();
      throw e;
    }
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "jc-rabbitmq-publisher");
              t.setDaemon(true);
              return t;
            });
    Topology topology = new Topology(publishConnection, b.queueType, b.declareTopology);
    this.publisher =
        new Publisher(
            publishConnection,
            topology,
            b.publisherChannels,
            scheduler,
            b.confirmTimeout,
            b.publishRetryWindow);
    this.topology = topology;
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
      Duration delay = message.delay();
      long tier = delay.isZero() ? 0 : tiers.tierFor(delay);
      if (tier > 0 && tiers.exceedsLargest(delay)) {
        log.warn(
            "message to queue {} asked for a delay of {} but the largest delay tier is {}; it is"
                + " delivered after {}",
            queue,
            delay,
            Duration.ofMillis(tier),
            Duration.ofMillis(tier));
      }
      AMQP.BasicProperties props =
          new AMQP.BasicProperties.Builder()
              .contentType(message.contentType())
              .deliveryMode(2)
              .messageId(MessageIds.next())
              .timestamp(new Date(clock.millis()))
              .headers(AmqpHeaders.forPublish(message.headers(), 1))
              .build();
      String target = tier == 0 ? queue : DelayTiers.queueName(queue, tier);
      return publisher.publish(publisher.pending(queue, target, tier, props, body));
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
      throw new ClientClosedException(queue);
    }
    RabbitMqSubscription[] self = new RabbitMqSubscription[1];
    try {
      topology.ensureQueue(queue);
      RabbitMqSubscription s =
          new RabbitMqSubscription(
              queue,
              options,
              handler,
              consumeConnection,
              publisher,
              tiers,
              clock,
              scheduler,
              ackLinger,
              () -> subscriptions.remove(self[0]));
      self[0] = s;
      subscriptions.add(s);
      s.start();
      return s;
    } catch (IOException | RuntimeException e) {
      if (self[0] != null) {
        self[0].close();
      }
      if (e instanceof MessagingException) {
        throw (MessagingException) e;
      }
      throw new MessagingException(
          "could not subscribe to queue '" + queue + "' on " + description + ": " + e, e);
    }
  }

  /**
   * Whether both connections (publishing and consuming) are open and the transport is not closed.
   */
  @Override
  public boolean isHealthy() {
    return !closed.get() && publishConnection.isOpen() && consumeConnection.isOpen();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (RabbitMqSubscription s : new ArrayList<>(subscriptions)) {
      s.close();
    }
    publisher.close();
    scheduler.shutdownNow();
    for (Connection c : List.of(consumeConnection, publishConnection)) {
      try {
        c.close();
      } catch (IOException | RuntimeException e) {
        log.debug("closing connection {} failed: {}", c.getClientProvidedName(), e.toString());
      }
    }
    log.info("closed RabbitMQ transport to {}", description);
  }

  @Override
  public String toString() {
    return "RabbitMqTransport{"
        + description
        + ", queueType="
        + queueType.argument()
        + ", delayTiers="
        + tiers
        + "}";
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
    private boolean declareTopology = true;
    private Duration confirmTimeout = Duration.ofSeconds(30);
    private Duration publishRetryWindow = Duration.ofSeconds(30);
    private @Nullable Duration recoveryInterval;
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
     * Whether the transport declares its queues (default true). When false the queues must exist
     * (created by infrastructure code with the same names and arguments); a send to a missing queue
     * fails with {@link io.jobcommon.messaging.DestinationNotFoundException}.
     */
    public Builder setDeclareTopology(boolean declareTopology) {
      this.declareTopology = declareTopology;
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
      ConnectionFactory cf;
      if (factory != null) {
        cf = factory.clone();
        if (recoveryInterval != null) {
          cf.setNetworkRecoveryInterval(recoveryInterval.toMillis());
        }
      } else if (uri != null) {
        cf = new ConnectionFactory();
        AmqpUri.apply(cf, uri, uriSetting, sslContext);
        cf.setNetworkRecoveryInterval(
            (recoveryInterval != null ? recoveryInterval : Duration.ofSeconds(2)).toMillis());
      } else {
        throw new IllegalStateException(
            "RabbitMqTransport needs a broker: call setUri(\"amqp://user:pass@host:5672/vhost\") or"
                + " setConnectionFactory(factory)");
      }
      cf.setAutomaticRecoveryEnabled(true);
      cf.setTopologyRecoveryEnabled(true);
      String description = uri != null ? AmqpUri.mask(uri) : AmqpUri.describe(cf);
      try {
        return new RabbitMqTransport(this, cf, description);
      } catch (IOException | TimeoutException | RuntimeException e) {
        throw new MessagingException(
            "cannot connect to RabbitMQ at "
                + description
                + ": "
                + e
                + "; check the URI and credentials, and that the broker is running",
            e);
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
}
