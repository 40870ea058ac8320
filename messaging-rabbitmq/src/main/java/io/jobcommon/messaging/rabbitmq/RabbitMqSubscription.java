package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.MessagingException;
import io.jobcommon.messaging.spi.Callbacks;
import io.jobcommon.messaging.spi.DeadLetters;
import io.jobcommon.messaging.spi.Delivery;
import io.jobcommon.messaging.spi.DeliveryHandler;
import io.jobcommon.messaging.spi.HandlerPool;
import io.jobcommon.messaging.spi.LogSafe;
import io.jobcommon.messaging.spi.Subscription;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer of one queue on its own channel: {@code basicQos(maxInFlight)}, manual acks, handlers
 * on a {@link HandlerPool}. Every call on the channel is made under one lock, so the channel never
 * runs two operations at once whichever thread settles.
 *
 * <p>Acks are coalesced by {@link ChannelAcks}: most go out as one {@code basic.ack multiple=true}
 * for a run of settled deliveries, and all of them before the channel closes.
 *
 * <p>A connection loss bumps the epoch: deliveries of an older epoch are redelivered by the broker
 * anyway, so their settlements (and acks still waiting in the window) are dropped without error and
 * their unstarted handlers skipped. amqp-client's recovery re-opens the channel and re-registers
 * the consumer by itself. Thread-safe.
 */
final class RabbitMqSubscription implements Subscription {
  private static final Logger log = LoggerFactory.getLogger(RabbitMqSubscription.class);

  private final String queue;
  private final ConsumerOptions options;
  private final Publisher publisher;
  private final DelayTiers tiers;
  private final Clock clock;
  private final Runnable onClosed;
  private final Object lock = new Object();
  private final HandlerPool pool;
  private final Channel channel;
  private final Set<CompletableFuture<Void>> settling = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile int epoch;
  private volatile boolean cancelled;
  private volatile String consumerTag = "";
  private final ChannelAcks acks;

  RabbitMqSubscription(
      String queue,
      ConsumerOptions options,
      DeliveryHandler handler,
      Connection connection,
      Publisher publisher,
      DelayTiers tiers,
      Clock clock,
      ScheduledExecutorService scheduler,
      Duration ackLinger,
      Runnable onClosed)
      throws IOException {
    this.queue = queue;
    this.options = options;
    this.publisher = publisher;
    this.tiers = tiers;
    this.clock = clock;
    this.onClosed = onClosed;
    this.pool = new HandlerPool(queue, options.concurrency(), d -> run(handler, d));
    this.channel = connection.createChannel();
    this.acks =
        new ChannelAcks(channel, lock, queue, qos(options), scheduler, ackLinger, () -> epoch);
    channel.addShutdownListener(this::channelDown);
    if (channel instanceof Recoverable) {
      ((Recoverable) channel)
          .addRecoveryListener(
              new RecoveryListener() {
                @Override
                public void handleRecovery(Recoverable recoverable) {
                  log.debug("consumer of queue {} resumed after connection recovery", queue);
                }

                @Override
                public void handleRecoveryStarted(Recoverable recoverable) {}
              });
    }
  }

  /** Starts consuming. */
  void start() throws IOException {
    synchronized (lock) {
      channel.basicQos(qos(options));
      consumerTag = channel.basicConsume(queue, false, new QueueConsumer(channel));
    }
  }

  private static int qos(ConsumerOptions options) {
    return Math.min(options.maxInFlight(), 65535);
  }

  @Override
  public String queue() {
    return queue;
  }

  @Override
  public boolean isRunning() {
    return !closed.get() && !cancelled && channel.isOpen();
  }

  private void channelDown(ShutdownSignalException cause) {
    epoch++;
    if (closed.get()) {
      return;
    }
    if (cause.isHardError()) {
      // The connection is lost: the transport logs that once for all its consumers.
      log.debug(
          "channel of the consumer of queue {} closed with its connection; unacked messages go back"
              + " to the queue and the consumer resumes once the connection recovers",
          queue);
    } else {
      log.warn(
          "channel of the consumer of queue {} closed ({}); unacked messages go back to the queue",
          queue,
          LogSafe.of(cause.getMessage(), 512));
    }
  }

  private void run(DeliveryHandler handler, Delivery d) {
    if (d instanceof RabbitMqDelivery && ((RabbitMqDelivery) d).epoch() != epoch) {
      d.release(); // the broker already gave it back to the queue with the old channel
      return;
    }
    handler.handle(d);
  }

  CompletableFuture<Void> ack(RabbitMqDelivery d) {
    return acks.ack(
        d.deliveryTag(),
        d.epoch(),
        () -> onChannel(d, "ack", () -> channel.basicAck(d.deliveryTag(), false)));
  }

  CompletableFuture<Void> requeue(RabbitMqDelivery d) {
    return onChannel(
        d,
        "release",
        () -> {
          channel.basicNack(d.deliveryTag(), false, true);
          acks.nacked(d.deliveryTag());
        });
  }

  CompletableFuture<Void> retry(RabbitMqDelivery d, Duration delay) {
    if (d.epoch() != epoch) {
      return CompletableFuture.completedFuture(null); // the broker redelivers the original
    }
    long tier = delay.isZero() ? 0 : tiers.tierFor(delay);
    if (tiers.exceedsLargest(delay)) {
      log.warn(
          "retry of message {} on queue {} asked for {} but the largest delay tier is {}; it"
              + " comes back after {}",
          LogSafe.of(d.messageId()),
          queue,
          delay,
          Duration.ofMillis(tier),
          Duration.ofMillis(tier));
    }
    String target = tier == 0 ? queue : DelayTiers.queueName(queue, tier);
    AMQP.BasicProperties props =
        copy(d, AmqpHeaders.forRepublish(d.props().getHeaders(), Map.of(), d.attempt() + 1));
    return republish(d, tier, target, props);
  }

  CompletableFuture<Void> deadLetter(RabbitMqDelivery d, String reason) {
    if (d.epoch() != epoch) {
      return CompletableFuture.completedFuture(null);
    }
    Map<String, String> reasonHeaders =
        DeadLetters.headers(Map.of(), queue, d.attempt(), reason, clock.instant());
    AMQP.BasicProperties props =
        copy(d, AmqpHeaders.forRepublish(d.props().getHeaders(), reasonHeaders, 1));
    return republish(d, 0, DeadLetters.queueName(queue), props);
  }

  /** Publishes a copy (confirmed), then acks the original; on failure, requeues the original. */
  // handle(...) yields a future of the ack's future, flattened by thenCompose: nothing is dropped;
  // the settling set holds futures by identity.
  @SuppressWarnings({"FutureReturnValueIgnored", "CollectionUndefinedEquality"})
  private CompletableFuture<Void> republish(
      RabbitMqDelivery d, long tier, String target, AMQP.BasicProperties props) {
    CompletableFuture<Void> result =
        publisher
            .publish(publisher.pending(queue, target, tier, props, d.rawBody()))
            .handle(
                (id, error) -> {
                  if (error == null) {
                    return ack(d);
                  }
                  // Not awaited: onChannel logs a failed requeue, and the result fails anyway.
                  CompletableFuture<Void> unused = requeue(d);
                  return CompletableFuture.<Void>failedFuture(error);
                })
            .thenCompose(f -> f);
    settling.add(result);
    Callbacks.whenDone(result, (ok, error) -> settling.remove(result));
    return result;
  }

  @SuppressWarnings("JavaUtilDate") // amqp-client's timestamp property is a Date
  private static AMQP.BasicProperties copy(RabbitMqDelivery d, Map<String, Object> headers) {
    AMQP.BasicProperties p = d.props();
    return p.builder()
        .deliveryMode(2)
        .messageId(d.messageId())
        .timestamp(p.getTimestamp() != null ? p.getTimestamp() : new Date())
        .headers(headers)
        .expiration(null)
        .build();
  }

  private interface ChannelCall {
    void run() throws IOException;
  }

  private CompletableFuture<Void> onChannel(RabbitMqDelivery d, String verb, ChannelCall call) {
    synchronized (lock) {
      if (d.epoch() != epoch) {
        log.debug(
            "{} of message {} on queue {} dropped: it arrived before a connection recovery and"
                + " the broker redelivers it",
            verb,
            LogSafe.of(d.messageId()),
            queue);
        return CompletableFuture.completedFuture(null);
      }
      try {
        call.run();
        return CompletableFuture.completedFuture(null);
      } catch (AlreadyClosedException e) {
        log.debug(
            "{} of message {} on queue {} dropped: channel closed",
            verb,
            LogSafe.of(d.messageId()),
            queue);
        return CompletableFuture.completedFuture(null); // the broker requeued it with the channel
      } catch (IOException | RuntimeException e) {
        return CompletableFuture.failedFuture(
            new MessagingException(
                verb
                    + " of message "
                    + LogSafe.of(d.messageId())
                    + " on queue '"
                    + queue
                    + "' failed: "
                    + e,
                e));
      }
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      awaitDone();
      return;
    }
    try {
      synchronized (lock) {
        try {
          if (channel.isOpen() && !consumerTag.isEmpty()) {
            channel.basicCancel(consumerTag);
          }
        } catch (IOException | RuntimeException e) {
          log.debug("cancel of the consumer of queue {} failed: {}", queue, LogSafe.of(e, 512));
        }
      }
      for (Delivery d : pool.shutdown(options.shutdownTimeout())) {
        d.release();
      }
      awaitSettling();
      acks.flushAll(); // before the channel closes, which would requeue what was not acked
      synchronized (lock) {
        try {
          channel.close(); // unacked messages go back to the queue
        } catch (IOException | TimeoutException | RuntimeException e) {
          log.debug("close of the channel of queue {} failed: {}", queue, LogSafe.of(e, 512));
        }
      }
    } finally {
      done.countDown();
      onClosed.run();
    }
  }

  private void awaitSettling() {
    try {
      CompletableFuture.allOf(settling.toArray(new CompletableFuture<?>[0]))
          .get(options.shutdownTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // each failure was logged by the delivery; the broker redelivers what was not acked
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitDone() {
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class QueueConsumer extends DefaultConsumer {
    QueueConsumer(Channel channel) {
      super(channel);
    }

    @Override
    public void handleDelivery(
        String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
      String id = props.getMessageId();
      int deliveryEpoch = acks.delivered(envelope.getDeliveryTag());
      RabbitMqDelivery d =
          new RabbitMqDelivery(
              RabbitMqSubscription.this,
              id == null || id.isEmpty() ? MessageIds.next() : id,
              body,
              props,
              envelope.getDeliveryTag(),
              deliveryEpoch,
              clock.instant());
      pool.submit(d); // released at once if the pool is shut down
    }

    @Override
    public void handleCancel(String tag) {
      cancelled = true;
      log.warn(
          "the broker cancelled the consumer of queue {} (queue deleted?); it no longer receives",
          queue);
    }
  }
}
