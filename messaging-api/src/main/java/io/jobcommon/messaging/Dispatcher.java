package io.jobcommon.messaging;

import io.jobcommon.messaging.spi.LogSafe;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Subscriptions;
import io.jobcommon.messaging.spi.Transport;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link JobConsumer}s on a {@link Transport}: decodes each delivery, calls the handler, then
 * acknowledges, retries with the consumer's backoff, or dead-letters, the same way on every broker:
 *
 * <ul>
 *   <li>handler returns: ack;
 *   <li>body cannot be decoded: dead-letter at once, reason {@code payload-decoding-failed: ...};
 *   <li>{@link NonRetryableException} (or a failure the retry policy names): dead-letter at once;
 *   <li>other failures: retry after {@link RetryPolicy#backoff(int)} until the last attempt, then
 *       dead-letter.
 * </ul>
 *
 * <pre>{@code
 * try (Dispatcher dispatcher = Dispatcher.builder(transport).build()) {
 *   dispatcher.start(new SbomProcessJob());
 *   ...
 * } // graceful: in-flight handlers finish, the rest goes back to the queue
 * }</pre>
 *
 * <p>Thread-safe. The job runtime uses one; use it directly to run consumers without the runtime.
 */
public final class Dispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final Transport transport;
  private final MessageClient client;
  private final Clock clock;
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private boolean closed;

  private Dispatcher(Builder b) {
    this.transport = b.transport;
    this.client = b.client != null ? b.client : MessageClient.create(b.transport);
    this.clock = b.clock;
  }

  /** A builder for a dispatcher on {@code transport}. */
  public static Builder builder(Transport transport) {
    return new Builder(transport);
  }

  /** The client handlers get for follow-up sends. */
  public MessageClient client() {
    return client;
  }

  /**
   * Starts consuming {@code consumer}'s queue with its options and retry policy.
   *
   * @throws IllegalStateException when the dispatcher is closed
   */
  public Subscription start(JobConsumer<?> consumer) {
    Objects.requireNonNull(consumer, "consumer");
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("dispatcher is closed; cannot start " + consumer);
      }
      ConsumerInvoker invoker = new ConsumerInvoker(consumer, client, clock);
      Subscription s = transport.subscribe(consumer.queue(), consumer.options(), invoker);
      subscriptions.add(s);
      log.info(
          "started {} on queue {} ({}, {})",
          consumer.name(),
          consumer.queue(),
          consumer.options(),
          consumer.retryPolicy());
      return s;
    }
  }

  /** The subscriptions started, in order; unmodifiable snapshot. */
  public List<Subscription> subscriptions() {
    return List.copyOf(subscriptions);
  }

  /** Whether every started subscription is running. */
  public boolean isRunning() {
    for (Subscription s : subscriptions) {
      if (!s.isRunning()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Closes every subscription gracefully, all at once: running handlers finish (up to each
   * consumer's shutdown timeout), unstarted messages go back to the queue. Does not close the
   * transport. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      Subscriptions.closeAll(subscriptions);
    } catch (RuntimeException e) { // the first failure; the others are suppressed in it
      log.warn("closing the subscriptions failed: {}", LogSafe.of(e, 1024));
      for (Throwable other : e.getSuppressed()) {
        log.warn("closing the subscriptions failed: {}", LogSafe.of(other, 1024));
      }
    }
  }

  /** Builds a {@link Dispatcher}. Not thread-safe. */
  public static final class Builder {
    private final Transport transport;
    private MessageClient client;
    private Clock clock = Clock.systemUTC();

    private Builder(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
    }

    /**
     * The client handlers use for follow-up sends and whose codec decodes payloads; by default a
     * JSON client on the same transport.
     */
    public Builder setClient(MessageClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** The clock for dead-letter timestamps; the system clock by default. */
    public Builder setClock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The dispatcher. */
    public Dispatcher build() {
      return new Dispatcher(this);
    }
  }
}
