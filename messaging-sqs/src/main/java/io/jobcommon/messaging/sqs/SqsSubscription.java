package io.jobcommon.messaging.sqs;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.spi.Callbacks;
import io.jobcommon.messaging.spi.Delivery;
import io.jobcommon.messaging.spi.DeliveryHandler;
import io.jobcommon.messaging.spi.Futures;
import io.jobcommon.messaging.spi.HandlerPool;
import io.jobcommon.messaging.spi.LogSafe;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.sqs.QueueDirectory.QueueInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * One queue's consumer: polling and shutdown. {@link #pollers(ConsumerOptions)} poller threads
 * long-poll SQS at once, each for as many messages (up to 10) as the queue's {@link QueueSettler}
 * has room for, so no more than {@code maxInFlight} are ever held, counting receives still out;
 * they hand the messages to a {@link HandlerPool} (through a {@link GroupSequencer} on FIFO
 * queues). Settling is the {@link QueueSettler}'s. Thread-safe.
 */
final class SqsSubscription implements Subscription {
  private static final Logger log = LoggerFactory.getLogger(SqsSubscription.class);
  private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);
  private static final List<String> SYSTEM_ATTRIBUTES =
      List.of(
          "ApproximateReceiveCount", "SentTimestamp", WireFormat.TRACE_HEADER, "MessageGroupId");

  /** The most long polls one consumer keeps out at once. */
  static final int MAX_POLLERS = 16;

  private final String queue;
  private final ConsumerOptions options;
  private final SqsResources res;
  private final Consumer<SqsSubscription> onClosed;
  private final HandlerPool pool;
  private final @Nullable GroupSequencer groups;
  private final int leaseSeconds;
  private final Object lock = new Object();
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final CountDownLatch closedLatch = new CountDownLatch(1);
  private final List<Thread> pollers = new ArrayList<>();

  private final Set<CompletableFuture<?>> receives = ConcurrentHashMap.newKeySet();

  private final AtomicBoolean failing = new AtomicBoolean();
  private volatile @Nullable Thread prober; // the poller retrying while receiving fails
  private boolean closing;
  // Set once, by the first poller that resolves the queue.
  private volatile @Nullable QueueSettler settler;

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
    this.leaseSeconds = QueueSettler.leaseSeconds(options.lease());
    this.pool = new HandlerPool(queue, options.concurrency(), d -> run((SqsDelivery) d, handler));
    // SQS requires the .fifo suffix of FIFO queues, so the name tells before any call.
    this.groups =
        QueueDirectory.isFifo(queue) ? new GroupSequencer(pool::submit, Delivery::release) : null;
    for (int i = 1; i <= pollers(options); i++) {
      Thread t = new Thread(this::pollLoop, "jc-sqs-poller-" + queue + "-" + i);
      t.setDaemon(true);
      pollers.add(t);
    }
  }

  /**
   * How many long polls a consumer keeps out: one per 10 messages it may hold ({@code concurrency +
   * prefetch}), but no more than its handlers ({@code concurrency}) and at most {@value
   * #MAX_POLLERS}. At a 20 ms round trip one poll brings at most 10 messages per 20 ms, so handlers
   * beyond that would wait for messages; a single handler with a deep prefetch (a walk of a queue)
   * keeps one poll out, not a dozen that a close would leave holding messages on the server.
   */
  static int pollers(ConsumerOptions options) {
    int perCall = SqsLimits.MAX_BATCH_ENTRIES;
    int byRoom = (options.maxInFlight() + perCall - 1) / perCall;
    return Math.max(1, Math.min(MAX_POLLERS, Math.min(byRoom, options.concurrency())));
  }

  void start() {
    pollers.forEach(Thread::start);
  }

  @Override
  public String queue() {
    return queue;
  }

  @Override
  public boolean isRunning() {
    if (isClosing() || failing.get()) {
      return false;
    }
    for (Thread t : pollers) {
      if (t.isAlive()) {
        return true;
      }
    }
    return false;
  }

  /** Runs one delivery on a handler thread; on FIFO queues its group goes on once it is settled. */
  private void run(SqsDelivery d, DeliveryHandler handler) {
    try {
      if (d.claim()) {
        handler.handle(d);
      }
    } finally {
      GroupSequencer g = groups;
      if (g != null) {
        Callbacks.whenDone(
            d.outcome(),
            (o, error) -> {
              if (o != null) {
                g.finished(d, o.removed);
              }
            });
      }
    }
  }

  // ---- polling ----

  private void pollLoop() {
    int failures = 0;
    while (true) {
      try {
        QueueSettler s = settler();
        if (isClosing()) {
          return;
        }
        int room = s.reserve(SqsLimits.MAX_BATCH_ENTRIES);
        if (room == 0) {
          return;
        }
        receiveInto(s, room);
        if (failing.compareAndSet(true, false)) {
          log.info(
              "receiving from queue {} works again after {} failed attempt(s)", queue, failures);
          synchronized (failing) {
            failing.notifyAll(); // the pollers waiting for the recovery
          }
        }
        failures = 0;
      } catch (CancellationException | InterruptedException e) {
        if (isClosing()) {
          return;
        }
      } catch (ExecutionException | RuntimeException e) {
        if (isClosing()) {
          return;
        }
        failures++;
        if (!backOff(Futures.unwrap(e), failures)) {
          return;
        }
      }
    }
  }

  /** Receives up to {@code room} messages (room already reserved) and hands them on. */
  @SuppressWarnings("CollectionUndefinedEquality") // receives holds futures by identity on purpose
  private void receiveInto(QueueSettler s, int room)
      throws ExecutionException, InterruptedException {
    int got = 0;
    try {
      Instant asked = res.clock().instant();
      CompletableFuture<ReceiveMessageResponse> call =
          res.client().receiveMessage(request(s.url(), room));
      receives.add(call);
      if (isClosing()) {
        call.cancel(true);
      }
      List<Message> messages;
      try {
        messages = call.get().messages();
      } finally {
        receives.remove(call);
      }
      got = Math.min(room, messages.size());
      Instant leaseEnd = asked.plusSeconds(leaseSeconds);
      // The list itself, not a sub-list, whenever it fits (it always should: we ask for room):
      // the OpenTelemetry Java agent makes its process spans while that list is iterated.
      for (Message m : got == messages.size() ? messages : messages.subList(0, got)) {
        SqsDelivery d = s.received(m, leaseEnd);
        if (groups != null) {
          groups.offer(d);
        } else {
          pool.submit(d);
        }
      }
    } finally {
      s.unreserve(room - got);
    }
  }

  /**
   * Logs (once until it works again) and waits: the poller that met the failure first retries with
   * a backoff, the others wait until it works again, so an outage costs the polls of one poller.
   * False when closing meanwhile.
   */
  private boolean backOff(Throwable cause, int failures) {
    if (cause instanceof QueueDoesNotExistException) {
      res.queues().invalidate(queue);
    }
    if (failing.compareAndSet(false, true)) {
      prober = Thread.currentThread();
      log.warn(
          "receiving from queue {} failed: {}; retrying with backoff up to {} s (logged once"
              + " until it works again)",
          queue,
          LogSafe.of(cause, 1024),
          Backoff.MAX.toSeconds());
    }
    try {
      if (prober != Thread.currentThread()) {
        synchronized (failing) {
          while (failing.get() && !isClosing()) {
            failing.wait();
          }
        }
        return !isClosing();
      }
      return !stopping.await(Backoff.afterFailures(failures).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException ie) {
      return false;
    }
  }

  private boolean isClosing() {
    synchronized (lock) {
      return closing;
    }
  }

  /** The queue's settler, built complete by the first poller that resolves the queue. */
  private QueueSettler settler() throws ExecutionException, InterruptedException {
    QueueSettler s = settler;
    if (s != null) {
      return s;
    }
    synchronized (pollers) {
      s = settler;
      if (s == null) {
        QueueInfo q = res.queues().resolve(queue).get();
        s = new QueueSettler(queue, q, options, res);
        settler = s;
      }
      return s;
    }
  }

  private ReceiveMessageRequest request(String url, int max) {
    return ReceiveMessageRequest.builder()
        .queueUrl(url)
        .maxNumberOfMessages(max)
        .waitTimeSeconds(SqsLimits.MAX_WAIT_SECONDS)
        .visibilityTimeout(leaseSeconds)
        // ElasticMQ (and older SQS docs) ignore prefix filters such as "jc-*": ask for all.
        .messageAttributeNames("All")
        .messageSystemAttributeNamesWithStrings(SYSTEM_ATTRIBUTES)
        .build();
  }

  // ---- shutdown ----

  @Override
  public void close() {
    boolean again;
    synchronized (lock) {
      again = closing;
      closing = true;
    }
    if (again) {
      // Wait outside the lock for the first close to finish.
      awaitClosed();
      return;
    }
    try {
      long started = System.nanoTime();
      stopping.countDown();
      synchronized (failing) {
        failing.notifyAll(); // the pollers waiting for a recovery
      }
      QueueSettler s = settler;
      if (s != null) {
        s.stopReserving();
      }
      receives.forEach(call -> call.cancel(true));
      // Received but not started: back to the queue now, not after the handlers drained.
      List<CompletableFuture<Void>> releases = new ArrayList<>();
      if (s != null) {
        releases.addAll(s.releaseUnclaimed());
      }
      if (groups != null) {
        groups.close().forEach(Delivery::release); // already released above, unless just received
      }
      // The handlers' time counts from the stop request. Those the pool still holds were claimed
      // above: their release() is a no-op; what the pollers hand it from now on is released.
      Duration left = options.shutdownTimeout().minusNanos(System.nanoTime() - started);
      pool.shutdown(left.isNegative() ? Duration.ZERO : left).forEach(Delivery::release);
      pollers.forEach(SqsSubscription::join);
      s = settler; // a poller may have resolved the queue meanwhile
      if (s != null) {
        releases.addAll(s.releaseUnclaimed()); // what the last receives brought in meanwhile
        s.await(
            CompletableFuture.allOf(releases.toArray(new CompletableFuture<?>[0])),
            "release",
            FLUSH_TIMEOUT);
        s.close(FLUSH_TIMEOUT);
      }
      log.info(
          "stopped consuming queue {} ({} unstarted message(s) released)", queue, releases.size());
    } finally {
      closedLatch.countDown();
      onClosed.accept(this);
    }
  }

  private void awaitClosed() {
    try {
      closedLatch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
