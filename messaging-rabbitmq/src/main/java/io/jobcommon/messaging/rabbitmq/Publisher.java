package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.jobcommon.messaging.ClientClosedException;
import io.jobcommon.messaging.DestinationNotFoundException;
import io.jobcommon.messaging.MessagingException;
import io.jobcommon.messaging.SendFailedException;
import io.jobcommon.messaging.SendOutcomeUnknownException;
import io.jobcommon.messaging.spi.LogSafe;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes with {@code mandatory} and publisher confirms on a pool of channels, so concurrent
 * senders don't wait for each other and a batch's confirms are pipelined (a publish returns once
 * written; its future completes on the confirm). While the connection is down, publishes are
 * retried until the retry window ends, then fail: nothing is buffered beyond the caller's future.
 * Thread-safe.
 */
final class Publisher {
  private static final Logger log = LoggerFactory.getLogger(Publisher.class);
  private static final int NO_ROUTE = 312;

  private final Connection connection;
  private final Topology topology;
  private final PublishChannel[] channels;
  private final AtomicInteger next = new AtomicInteger();
  private final ScheduledExecutorService scheduler;
  private final Duration confirmTimeout;
  private final Duration retryWindow;
  private final Set<Pending> outstanding = ConcurrentHashMap.newKeySet();
  private final ScheduledFuture<?> sweeper;
  private volatile boolean closed;

  Publisher(
      Connection connection,
      Topology topology,
      int channels,
      ScheduledExecutorService scheduler,
      Duration confirmTimeout,
      Duration retryWindow) {
    this.connection = connection;
    this.topology = topology;
    this.channels = new PublishChannel[channels];
    this.scheduler = scheduler;
    this.confirmTimeout = confirmTimeout;
    this.retryWindow = retryWindow;
    // One sweep for every unconfirmed publish rather than a timer each: at tens of thousands of
    // publishes a second, per-publish timers cost a heap operation each and pile up cancelled.
    long period = Math.max(10, Math.min(1000, confirmTimeout.toMillis() / 10));
    this.sweeper =
        scheduler.scheduleWithFixedDelay(
            this::expireUnconfirmed, period, period, TimeUnit.MILLISECONDS);
  }

  /** The timer thread of a transport: publish retries, the confirm sweep, ack lingers. */
  static ScheduledExecutorService newScheduler() {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, "jc-rabbitmq-publisher");
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * Readies the send path at start rather than on the first send, so the first message of a fresh
   * process costs about what a steady one does: opens the first channel (confirm mode) and
   * publishes one empty, non-persistent message to the default exchange with an empty routing key,
   * which no queue has: the broker drops it, returns it and confirms it, which loads and runs the
   * publish, return and confirm code once. A failure is left to the first send.
   */
  void warmUp() {
    Pending probe =
        new Pending(
            "",
            "",
            0,
            new com.rabbitmq.client.AMQP.BasicProperties.Builder()
                .deliveryMode(1)
                .messageId(MessageIds.next())
                .headers(AmqpHeaders.forPublish(java.util.Map.of("jc-warm-up", "1"), 1))
                .build(),
            new byte[0],
            System.nanoTime());
    try {
      PublishChannel ch = usable(0);
      ch.lock();
      try {
        ch.publish(probe);
      } finally {
        ch.unlock();
      }
      probe.future.get(confirmTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      // expected: returned as unroutable
    } catch (IOException | RuntimeException | TimeoutException e) {
      log.debug("warming up the publishing channel failed: {}", LogSafe.of(e, 512));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A pending publish whose retry window starts now. */
  Pending pending(
      String queue,
      String routingKey,
      long tierMs,
      com.rabbitmq.client.AMQP.BasicProperties props,
      byte[] body) {
    return new Pending(
        queue, routingKey, tierMs, props, body, System.nanoTime() + retryWindow.toNanos());
  }

  /** Publishes {@code p}; the future completes with its message id on the broker's confirm. */
  CompletableFuture<String> publish(Pending p) {
    if (closed) {
      p.fail(new ClientClosedException(p.queue));
      return p.future;
    }
    outstanding.add(p);
    p.future.whenComplete((id, error) -> outstanding.remove(p));
    attempt(p);
    return p.future;
  }

  private void attempt(Pending p) {
    if (p.future.isDone()) {
      return;
    }
    if (closed) {
      p.fail(new ClientClosedException(p.queue));
      return;
    }
    p.attempts.incrementAndGet();
    try {
      topology.ensureRoute(p.queue, p.routingKey);
      if (p.tierMs > 0) {
        topology.ensureTier(p.queue, p.tierMs);
      }
      PublishChannel ch = acquire();
      try {
        ch.publish(p);
      } finally {
        ch.unlock();
      }
    } catch (MessagingException e) {
      p.fail(
          e instanceof SendFailedException
              ? e
              : new SendFailedException(p.queue, e.getMessage(), e));
    } catch (IOException | ShutdownSignalException e) { // AlreadyClosedException included
      retry(p, e);
    } catch (RuntimeException e) {
      p.fail(
          new SendFailedException(
              p.queue, "could not publish to queue '" + p.routingKey + "': " + e, e));
    }
  }

  /**
   * A channel from the pool, locked for the caller: the first free one, so that a lone sender keeps
   * to one channel (whose confirms the broker then coalesces with {@code multiple}) and concurrent
   * senders spread over the others.
   */
  private PublishChannel acquire() throws IOException {
    for (int slot = 0; slot < channels.length; slot++) {
      PublishChannel ch = usable(slot);
      if (ch.tryLock()) {
        return ch;
      }
    }
    int start = Math.floorMod(next.getAndIncrement(), channels.length);
    PublishChannel ch = usable(start);
    ch.lock();
    return ch;
  }

  private PublishChannel usable(int slot) throws IOException {
    synchronized (channels) {
      PublishChannel ch = channels[slot];
      if (ch == null || ch.isDead()) {
        ch = new PublishChannel(connection.createChannel(), this::lost, this::refused);
        channels[slot] = ch;
      }
      return ch;
    }
  }

  /** A publish whose confirm will never come (connection lost): publish it again. */
  private void lost(Pending p) {
    if (p.future.isDone()) {
      return;
    }
    log.debug(
        "confirm of message {} to {} lost with the connection; publishing it again",
        LogSafe.of(p.messageId()),
        p.routingKey);
    retry(p, null);
  }

  private void refused(Pending p, String why) {
    if (why.startsWith(NO_ROUTE + " ")) {
      p.fail(
          new DestinationNotFoundException(
              p.routingKey,
              "the broker returned the message as unroutable ("
                  + why
                  + "); declare the queue, or let the transport declare it"
                  + " (setDeclareTopology(true))",
              null));
    } else {
      p.fail(
          new SendFailedException(
              p.queue,
              "the broker did not accept the message to queue '" + p.routingKey + "': " + why,
              null));
    }
  }

  /** Fails the publishes whose confirm is overdue; runs on the scheduler. */
  private void expireUnconfirmed() {
    PublishChannel[] snapshot;
    synchronized (channels) {
      snapshot = channels.clone();
    }
    long cutoff = System.nanoTime() - confirmTimeout.toNanos();
    for (PublishChannel ch : snapshot) {
      if (ch != null) {
        try {
          ch.expire(cutoff, this::expire);
        } catch (RuntimeException e) { // the sweep must keep running
          log.warn("confirm timeout sweep failed: {}", LogSafe.of(e, 1024));
        }
      }
    }
  }

  private void expire(Pending p) {
    p.fail(
        new SendOutcomeUnknownException(
            p.queue,
            "no publisher confirm for message "
                + LogSafe.of(p.messageId())
                + " to queue '"
                + p.routingKey
                + "' within "
                + confirmTimeout
                + "; the broker may have stored it. Sending it again may deliver it twice; check"
                + " the broker's health (disk and memory alarms), or raise the confirm timeout",
            null));
  }

  private void retry(Pending p, @Nullable Exception cause) {
    long left = p.deadlineNanos - System.nanoTime();
    if ((left <= 0 || closed) && p.written) {
      p.fail(unknown(p, cause));
      return;
    }
    if (left <= 0 || closed) {
      p.fail(
          closed
              ? new ClientClosedException(p.queue)
              : new SendFailedException(
                  p.queue,
                  "could not publish to queue '"
                      + p.routingKey
                      + "': RabbitMQ was unreachable for the whole retry window of "
                      + retryWindow
                      + " ("
                      + p.attempts.get()
                      + " attempts); the message was not sent. Check the broker, or raise the"
                      + " publish retry window",
                  cause));
      return;
    }
    long backoff = Math.min(1000L, 50L << Math.min(p.attempts.get(), 5));
    long delay = Math.min(backoff, TimeUnit.NANOSECONDS.toMillis(left));
    try {
      scheduler.schedule(() -> attempt(p), delay, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      p.fail(new ClientClosedException(p.queue));
    }
  }

  /** A publish that reached the socket and then lost its connection before the confirm. */
  private SendOutcomeUnknownException unknown(Pending p, @Nullable Exception cause) {
    return new SendOutcomeUnknownException(
        p.queue,
        "message "
            + LogSafe.of(p.messageId())
            + " to queue '"
            + p.routingKey
            + "' was written to RabbitMQ but the connection was lost before the broker confirmed"
            + " it, and it could not be published again within the retry window of "
            + retryWindow
            + " ("
            + p.attempts.get()
            + " attempts); the broker may have stored it. Sending it again may deliver it twice",
        cause);
  }

  /**
   * Stops taking publishes, waits up to the confirm timeout for the outstanding ones, fails the
   * rest with {@link ClientClosedException}, closes the channels.
   */
  void close() {
    closed = true;
    List<CompletableFuture<String>> waiting = new ArrayList<>();
    for (Pending p : outstanding) {
      waiting.add(p.future);
    }
    try {
      CompletableFuture.allOf(waiting.toArray(new CompletableFuture<?>[0]))
          .get(confirmTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // failures are reported through each future
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sweeper.cancel(false);
    for (Pending p : outstanding) {
      p.fail(p.written ? unknown(p, null) : new ClientClosedException(p.queue));
    }
    synchronized (channels) {
      for (PublishChannel ch : channels) {
        if (ch != null) {
          ch.close();
        }
      }
    }
  }
}
