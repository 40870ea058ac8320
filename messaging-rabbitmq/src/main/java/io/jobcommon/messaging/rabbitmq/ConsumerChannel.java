package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Consumer;
import com.rabbitmq.client.ShutdownSignalException;
import io.jobcommon.messaging.MessagingException;
import io.jobcommon.messaging.spi.DeadLetters;
import io.jobcommon.messaging.spi.LogSafe;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channel of one consumer and every call on it: qos, consume, cancel, close, and the settling
 * of its deliveries (acks coalesced by an {@link AckWindow}, nacks, and the publish-then-ack of
 * retries and dead letters). It alone holds the channel, the lock every call on the channel is made
 * under, and the channel's epoch.
 *
 * <p>Acks: most go out as one {@code basic.ack multiple=true} for a run of settled deliveries, when
 * enough wait or after the linger, and all of them before the channel closes. An ack's future
 * completes when its frame was written (or dropped with a channel that went down: the broker then
 * requeued the message, which is redelivered).
 *
 * <p>Epoch: the channel's incarnation, bumped when it goes down. Deliveries of an older epoch are
 * redelivered by the broker anyway, so their settlements (and acks still waiting in the window) are
 * dropped without error. amqp-client's recovery re-opens the channel and re-registers the consumer.
 *
 * <p>Locks: {@code lock} orders every frame on the channel, so acks are decided and written in one
 * critical section; the window's own lock is taken alone by the dispatch thread registering a
 * delivery, which so never waits for channel I/O. The epoch is atomic, not locked: the connection
 * thread bumps it while a close under the lock may be waiting for that thread. Thread-safe.
 */
final class ConsumerChannel {
  private static final Logger log = LoggerFactory.getLogger(ConsumerChannel.class);

  /** What every consumer of a transport shares. */
  record Shared(
      Connection connection,
      Topology topology,
      String description,
      Publisher publisher,
      DelayTiers tiers,
      Clock clock,
      ScheduledExecutorService scheduler,
      Duration ackLinger) {}

  private final String queue;
  private final int qos;
  private final Shared shared;
  private final Channel channel;
  private final Object lock = new Object();
  private final AtomicInteger epoch = new AtomicInteger();
  private final Set<CompletableFuture<Void>> republishing = ConcurrentHashMap.newKeySet();
  private final Object windowLock = new Object();
  // Guarded by windowLock: the window and the channel incarnation (epoch) it belongs to.
  private final AckWindow window;
  private int windowEpoch;
  // Guarded by lock: a linger timer is pending; acks bypass the window (after the close's flush);
  // the broker's name for our consumer.
  private boolean flushScheduled;
  private boolean direct;
  private String consumerTag = "";
  private volatile boolean closing;

  ConsumerChannel(String queue, int qos, Shared shared) throws IOException {
    this.queue = queue;
    this.qos = qos;
    this.shared = shared;
    this.window = AckWindow.forQos(qos, shared.ackLinger().toNanos());
    this.channel = shared.connection().createChannel();
    channel.addShutdownListener(this::down);
  }

  String queue() {
    return queue;
  }

  /** Sets the prefetch and starts {@code consumer} with manual acks. */
  void consume(Consumer consumer) throws IOException {
    synchronized (lock) {
      channel.basicQos(qos);
      consumerTag = channel.basicConsume(queue, false, consumer);
    }
  }

  boolean isOpen() {
    return channel.isOpen();
  }

  /** Whether a delivery of {@code deliveryEpoch} is still on the live channel. */
  boolean isCurrent(int deliveryEpoch) {
    return deliveryEpoch == epoch.get();
  }

  private void down(ShutdownSignalException cause) {
    epoch.incrementAndGet();
    if (closing) {
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

  /** Tracks a new delivery; returns the epoch it belongs to. Called by the dispatch thread. */
  int delivered(long tag) {
    List<CompletableFuture<Void>> dropped = new ArrayList<>(0);
    int e;
    synchronized (windowLock) {
      currentWindow(dropped);
      if (!window.delivered(tag)) {
        dropped.addAll(window.clear()); // tags restarted: a channel we did not see go down
        window.delivered(tag);
      }
      e = windowEpoch;
    }
    complete(dropped);
    return e;
  }

  /** Acks {@code d} through the window, or alone when the window does not track it. */
  CompletableFuture<Void> ack(RabbitMqDelivery d) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    List<CompletableFuture<Void>> ready = new ArrayList<>(0);
    synchronized (lock) {
      if (!isCurrent(d.epoch()) || direct) {
        return onChannel(d, "ack", () -> channel.basicAck(d.deliveryTag(), false));
      }
      AckWindow.Outcome outcome;
      boolean due;
      synchronized (windowLock) {
        currentWindow(ready);
        outcome = window.ack(d.deliveryTag(), done, System.nanoTime());
        due = window.isFlushDue();
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

  /** Gives {@code d} back to the queue now ({@code basic.nack requeue=true}). */
  CompletableFuture<Void> release(RabbitMqDelivery d) {
    return onChannel(
        d,
        "release",
        () -> {
          channel.basicNack(d.deliveryTag(), false, true);
          // After the nack, never before: a multiple ack must not cover a delivery the broker
          // holds.
          synchronized (windowLock) {
            window.nacked(d.deliveryTag());
          }
        });
  }

  /**
   * Publishes a copy of {@code d} to the delay tier for {@code delay} (or the queue), then acks.
   */
  CompletableFuture<Void> retry(RabbitMqDelivery d, Duration delay) {
    if (!isCurrent(d.epoch())) {
      return CompletableFuture.completedFuture(null); // the broker redelivers the original
    }
    long tier = shared.tiers().route(queue, delay, "retry of message " + LogSafe.of(d.messageId()));
    return republish(d, tier, DelayTiers.target(queue, tier), d.copy(Map.of(), d.attempt() + 1));
  }

  /** Publishes a copy of {@code d} with the reason to the dead-letter queue, then acks. */
  CompletableFuture<Void> deadLetter(RabbitMqDelivery d, String reason) {
    if (!isCurrent(d.epoch())) {
      return CompletableFuture.completedFuture(null);
    }
    Map<String, String> reasonHeaders =
        DeadLetters.headers(Map.of(), queue, d.attempt(), reason, shared.clock().instant());
    return republish(d, 0, DeadLetters.queueName(queue), d.copy(reasonHeaders, 1));
  }

  /** Publishes a copy (confirmed), then acks the original; on failure, requeues the original. */
  private CompletableFuture<Void> republish(
      RabbitMqDelivery d, long tier, String target, AMQP.BasicProperties props) {
    Publisher publisher = shared.publisher();
    CompletableFuture<Void> result =
        publisher
            .publish(publisher.pending(queue, target, tier, props, d.rawBody()))
            .handle(
                (id, error) -> {
                  if (error == null) {
                    return ack(d);
                  }
                  release(d);
                  return CompletableFuture.<Void>failedFuture(error);
                })
            .thenCompose(f -> f);
    republishing.add(result);
    result.whenComplete((ok, error) -> republishing.remove(result));
    return result;
  }

  private interface ChannelCall {
    void run() throws IOException;
  }

  private CompletableFuture<Void> onChannel(RabbitMqDelivery d, String verb, ChannelCall call) {
    synchronized (lock) {
      if (!isCurrent(d.epoch())) {
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
        String what = String.format("%s of message %s", verb, LogSafe.of(d.messageId()));
        return CompletableFuture.failedFuture(
            new MessagingException(what + " on queue '" + queue + "' failed: " + e, e));
      }
    }
  }

  /** Stops the broker's deliveries to this consumer ({@code basic.cancel}). */
  void cancel() {
    closing = true;
    synchronized (lock) {
      try {
        if (channel.isOpen() && !consumerTag.isEmpty()) {
          channel.basicCancel(consumerTag);
        }
      } catch (IOException | RuntimeException e) {
        log.debug("cancel of the consumer of queue {} failed: {}", queue, LogSafe.of(e, 512));
      }
    }
  }

  /**
   * Waits up to {@code wait} for retries and dead letters being published, sends every waiting ack,
   * then closes the channel, which gives what is still unacked back to the queue.
   */
  void close(Duration wait) {
    closing = true;
    try {
      CompletableFuture.allOf(republishing.toArray(new CompletableFuture<?>[0]))
          .get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // each failure was logged by the delivery; the broker redelivers what was not acked
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    synchronized (lock) {
      synchronized (windowLock) {
        currentWindow(ready);
      }
      ready.addAll(flush(true));
      direct = true; // late acks (a retry confirmed after the wait) go out at once
    }
    complete(ready);
    synchronized (lock) {
      try {
        channel.close();
      } catch (IOException | TimeoutException | RuntimeException e) {
        log.debug("close of the channel of queue {} failed: {}", queue, LogSafe.of(e, 512));
      }
    }
  }

  /**
   * Clears the window if the channel went down since it was filled, adding the dropped acks'
   * futures to {@code dropped}. Called under windowLock.
   */
  private void currentWindow(List<CompletableFuture<Void>> dropped) {
    int e = epoch.get();
    if (windowEpoch != e) {
      windowEpoch = e;
      dropped.addAll(window.clear()); // the broker requeued those messages with the old channel
    }
  }

  /**
   * Writes what the window says is due; returns the futures to complete outside the lock. Called
   * under the channel lock, which keeps the acks in the order they were decided.
   */
  private List<CompletableFuture<Void>> flush(boolean all) {
    AckWindow.Batch batch;
    boolean stillWaiting;
    synchronized (windowLock) {
      batch = window.take(System.nanoTime(), all);
      stillWaiting = window.hasWaiting();
    }
    if (!batch.isEmpty()) {
      write(batch);
    }
    if (stillWaiting) {
      scheduleFlush();
    }
    return batch.done;
  }

  private void write(AckWindow.Batch batch) {
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
      String what = "ack of " + batch.done.size() + " message(s) on queue '" + queue + "'";
      MessagingException failure =
          new MessagingException(what + " failed: " + e + "; the broker redelivers them", e);
      for (CompletableFuture<Void> f : batch.done) {
        f.completeExceptionally(failure);
      }
    }
  }

  /** Arms the linger timer unless it is armed; called under the channel lock. */
  private void scheduleFlush() {
    if (flushScheduled) {
      return;
    }
    try {
      shared
          .scheduler()
          .schedule(this::lingerExpired, shared.ackLinger().toNanos(), TimeUnit.NANOSECONDS);
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
      if (!direct) {
        ready.addAll(flush(false));
      }
    }
    complete(ready);
  }

  /** Completes ack futures normally, unless a failed write completed them already. */
  private static void complete(List<CompletableFuture<Void>> futures) {
    for (CompletableFuture<Void> f : futures) {
      f.complete(null);
    }
  }
}
