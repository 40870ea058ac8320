package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import io.jobcommon.messaging.MessagingException;
import io.jobcommon.messaging.spi.Callbacks;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acks of one consumer channel, coalesced by an {@link AckWindow}: most go out as one {@code
 * basic.ack multiple=true} for a run of settled deliveries, when enough wait or after {@code
 * linger}, and all of them on {@link #flushAll()} before the channel closes. An ack's future
 * completes when its frame was written (or dropped with a channel that went down: the broker then
 * requeued the message, which is redelivered).
 *
 * <p>Locks: the subscription's channel lock orders every frame on the channel, so acks are decided
 * and written in one critical section; the window's own lock is taken alone by the consumer's
 * dispatch thread registering a delivery, which so never waits for channel I/O. Thread-safe.
 */
final class ChannelAcks {
  private static final Logger log = LoggerFactory.getLogger(ChannelAcks.class);

  private final Channel channel;
  private final Object channelLock;
  private final String queue;
  private final ScheduledExecutorService scheduler;
  private final Duration linger;
  private final IntSupplier epoch;
  private final Object windowLock = new Object();
  // Guarded by windowLock: the window and the channel incarnation (epoch) it belongs to.
  private final AckWindow window;
  private int windowEpoch;
  // Guarded by channelLock: a linger timer is pending; acks bypass the window (after flushAll).
  private boolean flushScheduled;
  private boolean direct;

  /**
   * @param channelLock the lock every call on {@code channel} is made under
   * @param qos the channel's prefetch, which sizes the window's thresholds
   * @param epoch the channel's current incarnation; a change drops what the window holds
   */
  ChannelAcks(
      Channel channel,
      Object channelLock,
      String queue,
      int qos,
      ScheduledExecutorService scheduler,
      Duration linger,
      IntSupplier epoch) {
    this.channel = channel;
    this.channelLock = channelLock;
    this.queue = queue;
    this.scheduler = scheduler;
    this.linger = linger;
    this.epoch = epoch;
    this.window = AckWindow.forQos(qos, linger.toNanos());
    this.windowEpoch = epoch.getAsInt();
  }

  /** Tracks a new delivery; returns the epoch it belongs to. */
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

  /**
   * Acks {@code tag} of incarnation {@code deliveryEpoch} through the window, or with {@code alone}
   * (a single ack at once, or a drop for an older incarnation) when the window does not track it.
   */
  CompletableFuture<Void> ack(
      long tag, int deliveryEpoch, Supplier<CompletableFuture<Void>> alone) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    List<CompletableFuture<Void>> ready = new ArrayList<>(0);
    synchronized (channelLock) {
      if (deliveryEpoch != epoch.getAsInt() || direct) {
        return alone.get();
      }
      AckWindow.Outcome outcome;
      boolean due;
      synchronized (windowLock) {
        currentWindow(ready);
        outcome = window.ack(tag, done, System.nanoTime());
        due = window.isFlushDue();
      }
      switch (outcome) {
        case UNKNOWN:
          return alone.get();
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

  /**
   * Records that {@code tag} was nacked; call under the channel lock right after the nack was
   * written, never before: a multiple ack must not cover a delivery the broker still holds.
   */
  void nacked(long tag) {
    synchronized (windowLock) {
      window.nacked(tag);
    }
  }

  /** Sends every waiting ack; from now on acks go out one by one at once. */
  void flushAll() {
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    synchronized (channelLock) {
      synchronized (windowLock) {
        currentWindow(ready);
      }
      ready.addAll(flush(true));
      direct = true; // late acks (a retry confirmed after the close's wait) go out at once
    }
    complete(ready);
  }

  /**
   * Clears the window if the channel went down since it was filled, adding the dropped acks'
   * futures to {@code dropped}. Called under windowLock.
   */
  private void currentWindow(List<CompletableFuture<Void>> dropped) {
    int e = epoch.getAsInt();
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
  }

  /** Arms the linger timer unless it is armed; called under the channel lock. */
  private void scheduleFlush() {
    if (flushScheduled) {
      return;
    }
    try {
      Callbacks.schedule(scheduler, this::lingerExpired, linger.toNanos(), TimeUnit.NANOSECONDS);
      flushScheduled = true;
    } catch (RejectedExecutionException e) { // the transport is closing: no timers any more
      complete(flush(true));
    }
  }

  private void lingerExpired() {
    List<CompletableFuture<Void>> ready = new ArrayList<>(0);
    synchronized (channelLock) {
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
