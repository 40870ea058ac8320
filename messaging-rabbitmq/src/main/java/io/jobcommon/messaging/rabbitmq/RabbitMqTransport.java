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
import io.jobcommon.messaging.spi.LogSafe;
import io.jobcommon.messaging.spi.QueueAdmin;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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
  private final ConnectionWatch watch;

  RabbitMqTransport(RabbitMqTransportBuilder b, ConnectionFactory factory, String description)
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
    this.watch = new ConnectionWatch(description);
    watch.watch(publishConnection);
    watch.watch(consumeConnection);
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "jc-rabbitmq-publisher");
              t.setDaemon(true);
              return t;
            });
    Topology topology = new Topology(publishConnection, b.queueType, b.topologyMode, description);
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
  public static RabbitMqTransportBuilder builder() {
    return new RabbitMqTransportBuilder();
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
      throw new IllegalStateException(
          "transport is closed; cannot subscribe to queue '" + queue + "'");
    }
    RabbitMqSubscription[] self = new RabbitMqSubscription[1];
    try {
      topology.ensureConsumable(queue);
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

  /** Queue depth by passive declaration (ready counts only; AMQP cannot list queues). */
  @Override
  public Optional<QueueAdmin> queueAdmin() {
    return Optional.of(new RabbitMqQueueAdmin(publishConnection, description));
  }

  /**
   * Whether both connections (publishing and consuming) are open and the transport is not closed. A
   * connection that receives nothing for twice the heartbeat interval (a stalled broker, a
   * half-open connection) is closed and recovered, so this turns false within that bound.
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
    watch.closing();
    for (RabbitMqSubscription s : new ArrayList<>(subscriptions)) {
      s.close();
    }
    publisher.close();
    scheduler.shutdownNow();
    for (Connection c : List.of(consumeConnection, publishConnection)) {
      try {
        c.close();
      } catch (IOException | RuntimeException e) {
        log.debug(
            "closing connection {} failed: {}", c.getClientProvidedName(), LogSafe.of(e, 512));
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
}
