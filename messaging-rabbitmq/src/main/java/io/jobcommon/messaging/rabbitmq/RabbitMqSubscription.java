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
import io.jobcommon.messaging.spi.DeadLetters;
import io.jobcommon.messaging.spi.Delivery;
import io.jobcommon.messaging.spi.DeliveryHandler;
import io.jobcommon.messaging.spi.HandlerPool;
import io.jobcommon.messaging.spi.Subscription;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
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
 * <p>Acks are coalesced by an {@link AckWindow}: most go out as one {@code basic.ack multiple=true}
 * for a run of settled deliveries, when enough wait or after a short linger, and all of them before
 * the channel closes. An ack's future completes when its frame was written.
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
  private final ScheduledExecutorService scheduler;
  private final Duration ackLinger;
  private final Object lock = new Object();
  private final HandlerPool pool;
  private final Channel channel;
  private final Set<CompletableFuture<Void>> settling = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile int epoch;
  private volatile boolean cancelled;
  private volatile String consumerTag = "";
  // Guarded by windowLock, which is taken alone (by the consumer's dispatch thread registering a
  // delivery, never waiting for channel I/O) or inside lock: the window and its epoch.
  private final Object windowLock = new Object();
  private final AckWindow acks;
  private int acksEpoch;
  // Guarded by lock: whether a flush timer is pending, and whether acks bypass the window (after
  // the final flush on close).
  private boolean flushScheduled;
  private boolean acksDirect;

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
    this.scheduler = scheduler;
    this.ackLinger = ackLinger;
    this.acks = AckWindow.forQos(qos(options), ackLinger.toNanos());
    this.pool = new HandlerPool(queue, options.concurrency(), d -> run(handler, d));
    this.channel = connection.createChannel();
    channel.addShutdownListener(this::channelDown);
    if (channel instanceof Recoverable) {
      ((Recoverable) channel)
          .addRecoveryListener(
              new RecoveryListener() {
                @Override
                public void handleRecovery(Recoverable recoverable) {
                  log.info("consumer of queue {} resumed after connection recovery", queue);
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
    if (!closed.get()) {
      log.warn(
          "channel of the consumer of queue {} closed ({}); unacked messages go back to the queue"
              + "{}",
          queue,
          cause.getMessage(),
          cause.isHardError() ? " and the consumer resumes once the connection recovers" : "");
    }
  }

  private void run(DeliveryHandler handler, Delivery d) {
    if (d instanceof RabbitMqDelivery && ((RabbitMqDelivery) d).epoch() != epoch) {
      d.release(); // the broker already gave it back to the queue with the old channel
      return;
    }
    handler.handle(d);
  }

  /** Tracks a new delivery in the ack window; returns the epoch it belongs to. */
  private int delivered(long tag) {
    List<CompletableFuture<Void>> dropped = new ArrayList<>(0);
    int e;
    synchronized (windowLock) {
      currentWindow(dropped);
      if (!acks.delivered(tag)) {
        dropped.addAll(acks.clear()); // tags restarted: a channel we did not see go down
        acks.delivered(tag);
      }
      e = acksEpoch;
    }
    complete(dropped);
    return e;
  }

  /**
   * Clears the window if the channel went down since it was filled, adding the dropped acks'
   * futures to {@code dropped}. Called under windowLock.
   */
  private void currentWindow(List<CompletableFuture<Void>> dropped) {
    int e = epoch;
    if (acksEpoch != e) {
      acksEpoch = e;
      dropped.addAll(acks.clear()); // the broker requeued those messages with the old channel
    }
  }

  CompletableFuture<Void> ack(RabbitMqDelivery d) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    List<CompletableFuture<Void>> ready = new ArrayList<>(0);
    synchronized (lock) {
      if (d.epoch() != epoch || acksDirect) {
        return onChannel(d, "ack", () -> channel.basicAck(d.deliveryTag(), false));
      }
      AckWindow.Outcome outcome;
      boolean due;
      synchronized (windowLock) {
        currentWindow(ready);
        outcome = acks.ack(d.deliveryTag(), done, System.nanoTime());
        due = acks.isFlushDue();
      }
      switch (outcome) {
        case UNKNOWN:
          return onChannel(d, "ack", () -> channel.basicAck(d.deliveryTag(), false));
        case SETTLED:
          done.complete(null);
          break;
        default:
          if (due) {
            ready.addAll(flush(false));
          } else {
            scheduleFlush();
          }
      }
    }
    complete(ready);
    return done;
  }

  CompletableFuture<Void> requeue(RabbitMqDelivery d) {
    return onChannel(
        d,
        "release",
        () -> {
          channel.basicNack(d.deliveryTag(), false, true);
          // Only now: a multiple ack must never cover a delivery the broker still holds for us.
          synchronized (windowLock) {
            acks.nacked(d.deliveryTag());
          }
        });
  }

  /**
   * Sends what the window says is due; returns the futures to complete (outside the lock). Called
   * under the lock, which keeps the acks in the order they were decided.
   */
  private List<CompletableFuture<Void>> flush(boolean all) {
    AckWindow.Batch batch;
    boolean stillWaiting;
    synchronized (windowLock) {
      batch = acks.take(System.nanoTime(), all);
      stillWaiting = acks.hasWaiting();
    }
    if (batch.isEmpty()) {
      if (stillWaiting) {
        scheduleFlush();
      }
      return batch.done;
    }
    try {
      if (batch.multipleTag >= 0) {
        channel.basicAck(batch.multipleTag, true);
      }
      for (long tag : batch.singles) {
        channel.basicAck(tag, false);
      }
    } catch (AlreadyClosedException e) {
      log.debug("acks on queue {} dropped: channel closed", queue); // requeued with the channel
    } catch (IOException | RuntimeException e) {
      MessagingException failure =
          new MessagingException(
              "ack of "
                  + batch.done.size()
                  + " message(s) on queue '"
                  + queue
                  + "' failed: "
                  + e
                  + "; the broker redelivers them",
              e);
      for (CompletableFuture<Void> f : batch.done) {
        f.completeExceptionally(failure);
      }
    }
    if (stillWaiting) {
      scheduleFlush();
    }
    return batch.done;
  }

  /** Arms the linger timer unless it is armed; called under the lock. */
  private void scheduleFlush() {
    if (flushScheduled) {
      return;
    }
    try {
      scheduler.schedule(this::lingerExpired, ackLinger.toNanos(), TimeUnit.NANOSECONDS);
      flushScheduled = true;
    } catch (RejectedExecutionException e) { // the transport is closing: no timers any more
      complete(flush(true));
    }
  }

  private void lingerExpired() {
    List<CompletableFuture<Void>> ready = new ArrayList<>(0);
    synchronized (lock) {
      flushScheduled = false;
      synchronized (windowLock) {
        currentWindow(ready);
      }
      if (!acksDirect) {
        ready.addAll(flush(false));
      }
    }
    complete(ready);
  }

  /** Completes ack futures (normally, unless a failed flush completed them already). */
  private static void complete(List<CompletableFuture<Void>> futures) {
    for (CompletableFuture<Void> f : futures) {
      f.complete(null);
    }
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
          d.messageId(),
          queue,
          delay,
          Duration.ofMillis(tier),
          Duration.ofMillis(tier));
    }
    String target = tier == 0 ? queue : DelayTiers.queueName(queue, tier);
    AMQP.BasicProperties props = copy(d, AmqpHeaders.forPublish(d.headers(), d.attempt() + 1));
    return republish(d, tier, target, props);
  }

  CompletableFuture<Void> deadLetter(RabbitMqDelivery d, String reason) {
    if (d.epoch() != epoch) {
      return CompletableFuture.completedFuture(null);
    }
    Map<String, String> headers =
        DeadLetters.headers(d.headers(), queue, d.attempt(), reason, clock.instant());
    AMQP.BasicProperties props = copy(d, AmqpHeaders.forPublish(headers, 1));
    return republish(d, 0, DeadLetters.queueName(queue), props);
  }

  /** Publishes a copy (confirmed), then acks the original; on failure, requeues the original. */
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
                  requeue(d);
                  return CompletableFuture.<Void>failedFuture(error);
                })
            .thenCompose(f -> f);
    settling.add(result);
    result.whenComplete((ok, error) -> settling.remove(result));
    return result;
  }

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
            d.messageId(),
            queue);
        return CompletableFuture.completedFuture(null);
      }
      try {
        call.run();
        return CompletableFuture.completedFuture(null);
      } catch (AlreadyClosedException e) {
        log.debug(
            "{} of message {} on queue {} dropped: channel closed", verb, d.messageId(), queue);
        return CompletableFuture.completedFuture(null); // the broker requeued it with the channel
      } catch (IOException | RuntimeException e) {
        return CompletableFuture.failedFuture(
            new MessagingException(
                verb + " of message " + d.messageId() + " on queue '" + queue + "' failed: " + e,
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
          log.debug("cancel of the consumer of queue {} failed: {}", queue, e.toString());
        }
      }
      for (Delivery d : pool.shutdown(options.shutdownTimeout())) {
        d.release();
      }
      awaitSettling();
      List<CompletableFuture<Void>> ready = new ArrayList<>();
      synchronized (lock) {
        synchronized (windowLock) {
          currentWindow(ready);
        }
        ready.addAll(flush(true));
        acksDirect = true; // late acks (a retry confirmed after the wait) go out at once
      }
      complete(ready);
      synchronized (lock) {
        try {
          channel.close(); // unacked messages go back to the queue
        } catch (IOException | TimeoutException | RuntimeException e) {
          log.debug("close of the channel of queue {} failed: {}", queue, e.toString());
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
      int deliveryEpoch = delivered(envelope.getDeliveryTag());
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
