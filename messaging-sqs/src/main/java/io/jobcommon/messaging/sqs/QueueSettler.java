package io.jobcommon.messaging.sqs;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.spi.DeadLetters;
import io.jobcommon.messaging.spi.LogSafe;
import io.jobcommon.messaging.sqs.QueueDirectory.QueueInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The one owner of a consumed queue's unsettled messages, built complete once the queue's URL is
 * known: it bounds how many the pollers may hold ({@code maxInFlight}, counting receives still
 * out), keeps them invisible ({@link VisibilityHeartbeat}), and settles them: acks through a {@link
 * DeleteBatcher}, visibility changes under the one 12 h cap ({@link #visibilitySeconds}), the copy
 * to the dead-letter queue, and on shutdown the release of what never started. A settle verb of
 * {@link SqsDelivery} comes here and nowhere else. Thread-safe.
 */
final class QueueSettler {
  private static final Logger log = LoggerFactory.getLogger(QueueSettler.class);

  private final String queue;
  private final String url;
  private final SqsResources res;
  private final int maxInFlight;
  private final DeleteBatcher deleter;
  private final VisibilityHeartbeat heartbeat;
  private final Set<SqsDelivery> unsettled = ConcurrentHashMap.newKeySet();
  private final Set<CompletableFuture<?>> calls = ConcurrentHashMap.newKeySet();
  private final Object lock = new Object();
  private int held; // reserved by receives still out + received and unsettled
  private boolean stopped;

  QueueSettler(String queue, QueueInfo info, ConsumerOptions options, SqsResources res) {
    this.queue = queue;
    this.url = info.url();
    this.res = res;
    this.maxInFlight = options.maxInFlight();
    // FIFO: a pending delete holds the group, so it goes at once.
    this.deleter =
        new DeleteBatcher(
            res.client(),
            queue,
            url,
            res.scheduler(),
            info.fifo() ? Duration.ZERO : res.deleteDelay());
    this.heartbeat =
        new VisibilityHeartbeat(
            res.client(), queue, url, options.lease(), unsettled, res.scheduler(), res.clock());
  }

  /**
   * The seconds of invisibility SQS allows for {@code wanted} on a message received at {@code
   * receivedAt}: rounded up (never earlier than asked) and capped at 12 h from receipt; 0 once that
   * has passed. The one place the cap is computed.
   */
  static int visibilitySeconds(Duration wanted, Instant receivedAt, Instant now) {
    long seconds = (wanted.toMillis() + 999) / 1000;
    long left = Duration.between(now, receivedAt.plus(SqsLimits.MAX_VISIBILITY)).toSeconds();
    return (int) Math.max(0, Math.min(seconds, left));
  }

  /** The visibility timeout a receive asks for: the lease, 1 s to 12 h. */
  static int leaseSeconds(Duration lease) {
    Instant now = Instant.EPOCH;
    return Math.max(1, visibilitySeconds(lease, now, now));
  }

  // ---- capacity: the pollers reserve, settling frees ----

  /**
   * Waits until fewer than {@code maxInFlight} messages are held, then reserves room for up to
   * {@code max} more (at least 1); 0 once {@link #stopReserving} was called.
   */
  int reserve(int max) throws InterruptedException {
    synchronized (lock) {
      while (!stopped && held >= maxInFlight) {
        lock.wait();
      }
      if (stopped) {
        return 0;
      }
      int room = Math.min(max, maxInFlight - held);
      held += room;
      return room;
    }
  }

  /** Gives back room a receive reserved and did not fill. */
  void unreserve(int n) {
    if (n > 0) {
      free(n);
    }
  }

  /** Wakes the pollers waiting for room, for good. */
  void stopReserving() {
    synchronized (lock) {
      stopped = true;
      lock.notifyAll();
    }
  }

  private void free(int n) {
    synchronized (lock) {
      held -= n;
      lock.notifyAll();
    }
  }

  /** A received message, in reserved room, as an unsettled delivery kept invisible from now on. */
  SqsDelivery received(Message m, Instant leaseEnd) {
    SqsDelivery d = SqsDelivery.of(this, queue, m, res.clock().instant(), leaseEnd);
    unsettled.add(d);
    return d;
  }

  String url() {
    return url;
  }

  Instant now() {
    return res.clock().instant();
  }

  // ---- settling (called by SqsDelivery) ----

  /** The first settle verb of {@code d}: it stops being beaten and its room is free. */
  void settled(SqsDelivery d) {
    if (unsettled.remove(d)) {
      free(1);
    }
  }

  CompletableFuture<Void> ack(SqsDelivery d) {
    return deleter.delete(d.receiptHandle());
  }

  /**
   * Makes {@code d} visible again after {@code delay} (zero: now), once a heartbeat call in flight
   * for it was answered, so that a late heartbeat cannot undo it.
   */
  CompletableFuture<Void> changeVisibility(SqsDelivery d, Duration delay) {
    int seconds = visibilitySeconds(delay, d.receivedAt(), now());
    long wanted = (delay.toMillis() + 999) / 1000;
    if (seconds < wanted) {
      log.warn(
          "message {} of queue {}: visibility of {} s asked, but SQS allows only {} s more (12 h"
              + " from receipt); it will come back sooner",
          LogSafe.of(d.messageId()),
          queue,
          wanted,
          seconds);
    }
    return tracked(
        d.heartbeatAnswered()
            .thenCompose(
                ignored ->
                    res.client()
                        .changeMessageVisibility(
                            b ->
                                b.queueUrl(url)
                                    .receiptHandle(d.receiptHandle())
                                    .visibilityTimeout(seconds)))
            .thenApply(r -> null));
  }

  /** Sends a copy of {@code d} with {@code reason} to the dead-letter queue, then deletes it. */
  CompletableFuture<Void> deadLetter(SqsDelivery d, byte[] body, String reason) {
    Map<String, String> jc = new LinkedHashMap<>();
    DeadLetters.headers(Map.of(), queue, d.attempt(), reason, now()).forEach(jc::put);
    return tracked(
        res.sender()
            .sendDeadLetter(
                DeadLetters.queueName(queue), body, d.headers(), jc, d.groupId(), d.messageId())
            .thenCompose(id -> ack(d)));
  }

  private <T> CompletableFuture<T> tracked(CompletableFuture<T> call) {
    calls.add(call);
    call.whenComplete((ok, error) -> calls.remove(call));
    return call;
  }

  // ---- shutdown ----

  /** Releases every delivery no handler has claimed; the futures of those releases. */
  List<CompletableFuture<Void>> releaseUnclaimed() {
    List<CompletableFuture<Void>> releases = new ArrayList<>();
    for (SqsDelivery d : unsettled) {
      if (d.claim()) {
        releases.add(d.release());
      }
    }
    return releases;
  }

  /**
   * Waits (each step at most {@code timeout}) for the settle calls made so far, then flushes the
   * waiting acks, and stops the heartbeat. Deliveries still unsettled become visible when their
   * lease runs out.
   */
  void close(Duration timeout) {
    stopReserving();
    try {
      await(
          CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])),
          "settlements",
          timeout);
      await(deleter.close(), "ack flush", timeout);
    } finally {
      heartbeat.stop();
    }
  }

  /**
   * Waits up to {@code timeout} for {@code f}; logs what did not complete, as SQS redelivers it.
   */
  void await(CompletableFuture<?> f, String what, Duration timeout) {
    try {
      f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn(
          "{} on queue {} did not complete during shutdown: {}; SQS redelivers what was not"
              + " settled",
          what,
          queue,
          LogSafe.of(e, 1024));
    }
  }
}
