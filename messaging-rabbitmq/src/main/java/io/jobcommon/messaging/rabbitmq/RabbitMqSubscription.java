package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Consumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.MessagingException;
import io.jobcommon.messaging.spi.Delivery;
import io.jobcommon.messaging.spi.DeliveryHandler;
import io.jobcommon.messaging.spi.HandlerPool;
import io.jobcommon.messaging.spi.Subscription;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer of one queue: starts consuming with {@code basicQos(maxInFlight)} and manual acks,
 * hands each delivery to a {@link HandlerPool}, and closes gracefully. Its {@link ConsumerChannel}
 * owns the channel and settles the deliveries. Thread-safe.
 */
final class RabbitMqSubscription implements Subscription {
  private static final Logger log = LoggerFactory.getLogger(RabbitMqSubscription.class);

  private final String queue;
  private final ConsumerOptions options;
  private final Clock clock;
  private final Runnable onClosed;
  private final HandlerPool pool;
  private final ConsumerChannel channel;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile boolean cancelled;

  private RabbitMqSubscription(
      String queue,
      ConsumerOptions options,
      DeliveryHandler handler,
      ConsumerChannel.Shared shared,
      Runnable onClosed)
      throws IOException {
    this.queue = queue;
    this.options = options;
    this.clock = shared.clock();
    this.onClosed = onClosed;
    this.pool = new HandlerPool(queue, options.concurrency(), d -> run(handler, d));
    this.channel = new ConsumerChannel(queue, qos(options), shared);
  }

  /**
   * A subscription of {@code queue}, declared as the topology says, consuming, in {@code registry}
   * until it closes.
   *
   * @throws MessagingException when the broker refuses the channel or the consumer
   */
  static RabbitMqSubscription start(
      String queue,
      ConsumerOptions options,
      DeliveryHandler handler,
      ConsumerChannel.Shared shared,
      Set<RabbitMqSubscription> registry) {
    RabbitMqSubscription[] self = new RabbitMqSubscription[1];
    try {
      shared.topology().ensureConsumable(queue);
      self[0] =
          new RabbitMqSubscription(queue, options, handler, shared, () -> registry.remove(self[0]));
      registry.add(self[0]);
      self[0].channel.consume(self[0].new QueueConsumer());
      return self[0];
    } catch (IOException | RuntimeException e) {
      if (self[0] != null) {
        self[0].close();
      }
      throw e instanceof MessagingException
          ? (MessagingException) e
          : new MessagingException(
              "could not subscribe to queue '" + queue + "' on " + shared.description() + ": " + e,
              e);
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

  private void run(DeliveryHandler handler, Delivery d) {
    if (d instanceof RabbitMqDelivery && !channel.isCurrent(((RabbitMqDelivery) d).epoch())) {
      d.release(); // the broker already gave it back to the queue with the old channel
      return;
    }
    handler.handle(d);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      awaitDone();
      return;
    }
    try {
      channel.cancel();
      for (Delivery d : pool.shutdown(options.shutdownTimeout())) {
        d.release();
      }
      // Acks go out before the channel closes, which would requeue what was not acked.
      channel.close(options.shutdownTimeout().plus(Duration.ofSeconds(1)));
    } finally {
      done.countDown();
      onClosed.run();
    }
  }

  private void awaitDone() {
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The consume callback: runs on the connection's dispatch thread. */
  private final class QueueConsumer implements Consumer {
    @Override
    public void handleDelivery(
        String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
      String id = props.getMessageId();
      int deliveryEpoch = channel.delivered(envelope.getDeliveryTag());
      RabbitMqDelivery d =
          new RabbitMqDelivery(
              channel,
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

    @Override
    public void handleConsumeOk(String tag) {}

    @Override
    public void handleCancelOk(String tag) {}

    @Override
    public void handleShutdownSignal(String tag, ShutdownSignalException sig) {}

    @Override
    public void handleRecoverOk(String tag) {}
  }
}
