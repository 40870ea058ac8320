package io.jobcommon.messaging.sqs;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.spi.Delivery;
import io.jobcommon.messaging.spi.DeliveryHandler;
import io.jobcommon.messaging.spi.HandlerPool;
import io.jobcommon.messaging.spi.LogSafe;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.sqs.QueueDirectory.QueueInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * One queue's consumer: a poller thread long-polls SQS for as many messages as the in-flight bound
 * allows, hands them to a {@link HandlerPool} (through a {@link GroupSequencer} on FIFO queues),
 * keeps them invisible with a {@link VisibilityHeartbeat} and acks through a {@link DeleteBatcher}.
 * Thread-safe.
 */
final class SqsSubscription implements Subscription {
  private static final Logger log = LoggerFactory.getLogger(SqsSubscription.class);
  private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);
  private static final List<String> SYSTEM_ATTRIBUTES =
      List.of(
          "ApproximateReceiveCount", "SentTimestamp", WireFormat.TRACE_HEADER, "MessageGroupId");

  private final String queue;
  private final ConsumerOptions options;
  private final SqsResources res;
  private final Consumer<SqsSubscription> onClosed;
  private final HandlerPool pool;
  private final int leaseSeconds;
  private final Object lock = new Object();
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final CountDownLatch closedLatch = new CountDownLatch(1);
  private final Thread poller;
  private final Set<SqsDelivery> unsettled = ConcurrentHashMap.newKeySet();
  private int inFlight;
  private boolean closing;
  private volatile boolean receiving = true;
  private volatile @Nullable CompletableFuture<ReceiveMessageResponse> receive;
  // Set by the poller once the queue is resolved, before the first delivery exists.
  private volatile @Nullable QueueInfo info;
  private volatile @Nullable DeleteBatcher deleter;
  private volatile @Nullable SqsSettlements settlements;
  private volatile @Nullable VisibilityHeartbeat heartbeat;
  private volatile @Nullable GroupSequencer groups;

  SqsSubscription(
      String queue,
      ConsumerOptions options,
      DeliveryHandler handler,
      SqsResources res,
      Consumer<SqsSubscription> onClosed) {
    this.queue = queue;
    this.options = options;
    this.res = res;
    this.onClosed = onClosed;
    this.leaseSeconds = VisibilityHeartbeat.leaseSeconds(options.lease());
    this.pool =
        new HandlerPool(
            queue,
            options.concurrency(),
            d -> {
              try {
                if (((SqsDelivery) d).claim()) {
                  handler.handle(d);
                }
              } finally {
                ((SqsDelivery) d).handlerReturned();
              }
            });
    this.poller = new Thread(this::pollLoop, "jc-sqs-poller-" + queue);
    this.poller.setDaemon(true);
  }

  void start() {
    poller.start();
  }

  @Override
  public String queue() {
    return queue;
  }

  @Override
  public boolean isRunning() {
    synchronized (lock) {
      if (closing) {
        return false;
      }
    }
    return receiving && poller.isAlive();
  }

  Instant now() {
    return res.clock().instant();
  }

  // ---- polling ----

  private void pollLoop() {
    int failures = 0;
    while (true) {
      int room = awaitRoom();
      if (room == 0) {
        return;
      }
      try {
        QueueInfo q = ready();
        Instant asked = now();
        CompletableFuture<ReceiveMessageResponse> call =
            res.client().receiveMessage(request(q, Math.min(SqsLimits.MAX_BATCH_ENTRIES, room)));
        receive = call;
        if (isClosing()) {
          call.cancel(true);
        }
        List<Message> messages = call.get().messages();
        if (failures > 0) {
          log.info(
              "receiving from queue {} works again after {} failed attempt(s)", queue, failures);
          failures = 0;
          receiving = true;
        }
        accept(messages, asked);
      } catch (CancellationException | InterruptedException e) {
        if (isClosing()) {
          return;
        }
      } catch (ExecutionException | RuntimeException e) {
        if (isClosing()) {
          return;
        }
        Throwable cause = QueueDirectory.unwrap(e);
        if (cause instanceof QueueDoesNotExistException) {
          res.queues().invalidate(queue);
        }
        failures++;
        receiving = false;
        Duration wait = Backoff.afterFailures(failures);
        if (failures == 1) {
          log.warn(
              "receiving from queue {} failed: {}; retrying with backoff up to {} s (logged once"
                  + " until it works again)",
              queue,
              LogSafe.of(cause, 1024),
              Backoff.MAX.toSeconds());
        }
        try {
          if (stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            return;
          }
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  /** Waits until fewer than maxInFlight deliveries are unsettled; 0 when closing. */
  private int awaitRoom() {
    synchronized (lock) {
      while (!closing && inFlight >= options.maxInFlight()) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          return 0;
        }
      }
      return closing ? 0 : options.maxInFlight() - inFlight;
    }
  }

  private boolean isClosing() {
    synchronized (lock) {
      return closing;
    }
  }

  /** Resolves the queue and sets up the per-queue parts on first use. */
  private QueueInfo ready() throws ExecutionException, InterruptedException {
    QueueInfo q = info;
    if (q != null) {
      return q;
    }
    q = res.queues().resolve(queue).get();
    deleter =
        new DeleteBatcher(
            res.client(),
            queue,
            q.url(),
            res.scheduler(),
            q.fifo() ? Duration.ZERO : res.deleteDelay()); // FIFO: a pending delete holds the group
    settlements = new SqsSettlements(queue, q.url(), res, deleter);
    heartbeat =
        new VisibilityHeartbeat(
            res.client(), queue, q.url(), options.lease(), res.scheduler(), res.clock());
    if (q.fifo()) {
      groups = new GroupSequencer(pool::submit, Delivery::release);
    }
    info = q;
    return q;
  }

  private ReceiveMessageRequest request(QueueInfo q, int max) {
    return ReceiveMessageRequest.builder()
        .queueUrl(q.url())
        .maxNumberOfMessages(max)
        .waitTimeSeconds(SqsLimits.MAX_WAIT_SECONDS)
        .visibilityTimeout(leaseSeconds)
        // ElasticMQ (and older SQS docs) ignore prefix filters such as "jc-*": ask for all.
        .messageAttributeNames("All")
        .messageSystemAttributeNamesWithStrings(SYSTEM_ATTRIBUTES)
        .build();
  }

  private void accept(List<Message> messages, Instant asked) {
    if (messages.isEmpty()) {
      return;
    }
    synchronized (lock) {
      inFlight += messages.size();
    }
    Instant leaseEnd = asked.plusSeconds(leaseSeconds);
    for (Message m : messages) {
      SqsDelivery d = toDelivery(m, leaseEnd);
      unsettled.add(d);
      Objects.requireNonNull(heartbeat, "heartbeat: set when the queue resolved").track(d);
      GroupSequencer g = groups;
      if (g != null) {
        g.offer(d);
      } else {
        pool.submit(d);
      }
    }
  }

  private SqsDelivery toDelivery(Message m, Instant leaseEnd) {
    WireFormat.Decoded decoded = WireFormat.decode(m);
    Map<String, String> system = m.attributesAsStrings();
    int attempt = 1;
    try {
      attempt = Math.max(1, Integer.parseInt(system.getOrDefault("ApproximateReceiveCount", "1")));
    } catch (NumberFormatException e) {
      log.debug(
          "message {} of queue {} has no usable receive count", LogSafe.of(m.messageId()), queue);
    }
    SqsDelivery d =
        new SqsDelivery(
            this,
            m.messageId(),
            decoded.body(),
            decoded.headers(),
            attempt,
            now(),
            m.receiptHandle(),
            system.get("MessageGroupId"),
            leaseEnd);
    d.setSentAt(SentTimestamps.parse(system.get("SentTimestamp")));
    return d;
  }

  // ---- settling (called by SqsDelivery) ----

  void onSettled(SqsDelivery d) {
    unsettled.remove(d);
    VisibilityHeartbeat h = heartbeat;
    if (h != null) {
      h.untrack(d);
    }
    synchronized (lock) {
      inFlight--;
      lock.notifyAll();
    }
  }

  void onFinished(SqsDelivery d, SqsDelivery.Outcome outcome) {
    GroupSequencer g = groups;
    if (g != null) {
      g.finished(d, outcome.removed);
    }
  }

  CompletableFuture<Void> delete(SqsDelivery d) {
    return resolvedSettlements().delete(d);
  }

  CompletableFuture<Void> changeVisibility(SqsDelivery d, Duration delay) {
    return resolvedSettlements().changeVisibility(d, delay);
  }

  CompletableFuture<Void> deadLetter(SqsDelivery d, byte[] body, String reason) {
    return resolvedSettlements().deadLetter(d, body, reason);
  }

  /** Set when the queue resolved, before the first receive: every delivery comes after it. */
  private SqsSettlements resolvedSettlements() {
    return Objects.requireNonNull(settlements, "settlements: set when the queue resolved");
  }

  // ---- shutdown ----

  @Override
  public void close() {
    boolean again;
    synchronized (lock) {
      again = closing;
      closing = true;
      lock.notifyAll();
    }
    if (again) {
      // Wait outside the lock: the first close may be waiting for handlers whose settlements
      // need it (onSettled).
      awaitClosed();
      return;
    }
    try {
      long started = System.nanoTime();
      stopping.countDown();
      CompletableFuture<ReceiveMessageResponse> call = receive;
      if (call != null) {
        call.cancel(true);
      }
      // Received but not started: back to the queue now, not after the handlers drained.
      List<CompletableFuture<Void>> releases = releaseUnstarted();
      GroupSequencer g = groups;
      if (g != null) {
        g.close().forEach(Delivery::release); // already released above, unless just received
      }
      // The handlers' time counts from the stop request. Those the pool still holds were claimed
      // above: their release() is a no-op; what the poller hands it from now on is released.
      Duration left = options.shutdownTimeout().minusNanos(System.nanoTime() - started);
      pool.shutdown(left.isNegative() ? Duration.ZERO : left).forEach(Delivery::release);
      join(poller);
      releases.addAll(releaseUnstarted()); // what the last receive brought in meanwhile
      await(CompletableFuture.allOf(releases.toArray(new CompletableFuture<?>[0])), "release");
      SqsSettlements st = settlements;
      if (st != null) {
        await(st.inFlight(), "settlements");
      }
      DeleteBatcher del = deleter;
      if (del != null) {
        await(del.close(), "ack flush");
      }
      VisibilityHeartbeat h = heartbeat;
      if (h != null) {
        h.stop();
      }
      log.info(
          "stopped consuming queue {} ({} unstarted message(s) released)", queue, releases.size());
    } finally {
      closedLatch.countDown();
      onClosed.accept(this);
    }
  }

  private List<CompletableFuture<Void>> releaseUnstarted() {
    List<CompletableFuture<Void>> releases = new ArrayList<>();
    for (SqsDelivery d : unsettled) {
      if (d.claim()) {
        releases.add(d.release());
      }
    }
    return releases;
  }

  private void awaitClosed() {
    try {
      closedLatch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void await(CompletableFuture<?> f, String what) {
    try {
      f.get(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
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

  private static void join(Thread t) {
    try {
      t.join(FLUSH_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
