package io.jobcommon.messaging.testing;

import io.jobcommon.messaging.ClientClosedException;
import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.MessageTooLargeException;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.DeadLetters;
import io.jobcommon.messaging.spi.DeliveryHandler;
import io.jobcommon.messaging.spi.QueueAdmin;
import io.jobcommon.messaging.spi.QueueDepth;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Subscriptions;
import io.jobcommon.messaging.spi.Transport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A broker in memory: queues created on first use, leases that expire and redeliver, delayed sends
 * and retries, {@code <queue>-dlq} dead-letter queues that keep the reason, attempt counting and
 * FIFO groups, on an injectable {@link Clock}. It runs the same {@code JobConsumer} code as SQS and
 * RabbitMQ, so users test their workers without a broker, and it is the runtime's {@code in-memory}
 * broker.
 *
 * <pre>{@code
 * InMemoryTransport broker = InMemoryTransport.create();
 * try (JobRuntime runtime = JobRuntime.builder().setTransport(broker).build()) {
 *   runtime.start(new SbomProcessJob());
 *   runtime.client().send("sbom-process-queue", new SbomUploaded("s1", "o1"));
 *   broker.awaitIdle(Duration.ofSeconds(5));
 *   assertThat(broker.sentTo("component-process-queue")).hasSize(1);
 * }
 * }</pre>
 *
 * <p>Thread-safe. Nothing is persisted.
 */
public final class InMemoryTransport implements Transport {
  /** The default largest body: 1 MiB, as SQS. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 1024 * 1024;

  private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final Clock clock;
  private final int maxMessageSize;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<String, InMemoryQueue> queues = new HashMap<>();
  private final List<InMemorySubscription> subscriptions = new CopyOnWriteArrayList<>();
  private final Runnable clockListener = this::signal;
  private final InMemoryQueue.Shared shared;
  private volatile boolean closed;

  private InMemoryTransport(Builder b) {
    this.clock = b.clock;
    this.maxMessageSize = b.maxMessageSize;
    this.shared = new InMemoryQueue.Shared(lock, changed, clock, this::queue);
    if (clock instanceof TestClock) {
      ((TestClock) clock).onAdvance(clockListener);
    }
  }

  /** A transport on the system clock. */
  public static InMemoryTransport create() {
    return builder().build();
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String system() {
    return "in_memory";
  }

  @Override
  public CompletableFuture<String> send(OutgoingMessage message) {
    Objects.requireNonNull(message, "message");
    if (closed) {
      return CompletableFuture.failedFuture(new ClientClosedException(message.queue()));
    }
    if (message.bodySize() > maxMessageSize) {
      return CompletableFuture.failedFuture(
          new MessageTooLargeException(message.queue(), message.bodySize(), maxMessageSize));
    }
    String id = UUID.randomUUID().toString();
    lock.lock();
    try {
      Instant now = clock.instant();
      InMemoryMessage m =
          new InMemoryMessage(id, message.queue(), message.body(), message.headers(), now);
      queue(message.queue())
          .add(
              new InMemoryQueue.Entry(
                  m, message.groupId().orElse(null), now.plus(message.delay())));
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    return CompletableFuture.completedFuture(id);
  }

  @Override
  public Subscription subscribe(String queue, ConsumerOptions options, DeliveryHandler handler) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(handler, "handler");
    if (closed) {
      throw new ClientClosedException(queue);
    }
    InMemorySubscription s;
    lock.lock();
    try {
      s = new InMemorySubscription(this, queue(queue), options, handler);
      subscriptions.add(s);
    } finally {
      lock.unlock();
    }
    s.start();
    return s;
  }

  /** Every message that arrived in {@code queue} (sent, or dead-lettered into it), in order. */
  public List<InMemoryMessage> sentTo(String queue) {
    lock.lock();
    try {
      InMemoryQueue q = queues.get(queue);
      return q == null ? List.of() : List.copyOf(q.arrived);
    } finally {
      lock.unlock();
    }
  }

  /** Every message dead-lettered from {@code queue}, in order, with its reason headers. */
  public List<InMemoryMessage> deadLettered(String queue) {
    return sentTo(DeadLetters.queueName(queue));
  }

  /** Queue names and depths, as the runtime's depth gauges and the dead-letter tool read them. */
  @Override
  public Optional<QueueAdmin> queueAdmin() {
    return Optional.of(new InMemoryQueueAdmin(this));
  }

  /** The names of the queues that exist (sent to, subscribed or dead-lettered into), sorted. */
  List<String> queueNames() {
    lock.lock();
    try {
      return queues.keySet().stream().sorted().toList();
    } finally {
      lock.unlock();
    }
  }

  /** {@code queue}'s depth now; a queue never used is empty. */
  QueueDepth depth(String queue) {
    lock.lock();
    try {
      InMemoryQueue q = queues.get(queue);
      return q == null ? new QueueDepth(queue, 0, 0, 0) : q.depth(clock.instant());
    } finally {
      lock.unlock();
    }
  }

  /** How many messages {@code queue} holds now: ready, delayed and in flight. */
  public int pending(String queue) {
    lock.lock();
    try {
      InMemoryQueue q = queues.get(queue);
      return q == null ? 0 : q.entries.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until every queue that has a subscriber is empty and no handler runs or waits: the work
   * sent so far, and the work it caused, is done. Delayed messages and retries count as work.
   *
   * @throws IllegalStateException naming the busy queues when {@code timeout} passes first
   */
  public void awaitIdle(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (true) {
        String busy = busyQueues();
        if (busy.isEmpty()) {
          return;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("not idle after " + timeout + ": " + busy);
        }
        changed.awaitNanos(Math.min(left, IDLE_POLL_NANOS));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for idle", e);
    } finally {
      lock.unlock();
    }
  }

  private String busyQueues() {
    List<String> busy = new ArrayList<>();
    for (InMemorySubscription s : subscriptions) {
      InMemoryQueue q = s.queueState();
      if (!q.entries.isEmpty() || s.unsettled > 0 || !s.isQuiet()) {
        busy.add(q.name + " (" + q.entries.size() + " messages, " + q.inFlight() + " in flight)");
      }
    }
    return busy.isEmpty() ? "" : String.join(", ", busy);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Subscriptions.closeAll(subscriptions);
    if (clock instanceof TestClock) {
      ((TestClock) clock).removeListener(clockListener);
    }
  }

  @Override
  public String toString() {
    return "InMemoryTransport{clock=" + clock + "}";
  }

  // --- used by subscriptions ---

  void removeSubscription(InMemorySubscription s) {
    subscriptions.remove(s);
    signal();
  }

  private InMemoryQueue queue(String name) {
    return queues.computeIfAbsent(name, n -> new InMemoryQueue(n, shared));
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Builds an {@link InMemoryTransport}. Not thread-safe. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;

    private Builder() {}

    /** The clock for delays and leases; a {@link TestClock} lets tests move time. */
    public Builder setClock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The largest body accepted, in bytes; 1 MiB by default. */
    public Builder setMaxMessageSize(int maxMessageSize) {
      if (maxMessageSize < 1) {
        throw new IllegalArgumentException("maxMessageSize must be positive");
      }
      this.maxMessageSize = maxMessageSize;
      return this;
    }

    /** The transport. */
    public InMemoryTransport build() {
      return new InMemoryTransport(this);
    }
  }
}
