package io.jobcommon.messaging.sqs;

import io.jobcommon.messaging.ClientClosedException;
import io.jobcommon.messaging.ConfigurationException;
import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.DestinationNotFoundException;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.DeliveryHandler;
import io.jobcommon.messaging.spi.Futures;
import io.jobcommon.messaging.spi.QueueAdmin;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The Amazon SQS {@link Transport}, on AWS SDK v2's {@link SqsAsyncClient}.
 *
 * <ul>
 *   <li>Send: SendMessage, or SendMessageBatch split into calls of at most 10 entries and 1 MiB;
 *       headers travel as String message attributes (at most 10; the header {@code AWSTraceHeader}
 *       travels as the system attribute of that name and does not count); a body that is not UTF-8
 *       text travels base64-encoded at the cost of one attribute. Limits (10 attributes, the
 *       queue's size limit, 15 min delay, FIFO group id) are checked before any call.
 *   <li>Receive: long polling (20 s), up to 10 per call, one poll in flight per 10 messages of
 *       {@link ConsumerOptions#maxInFlight()} (at most 16), never more than that many unsettled;
 *       each unsettled message is kept invisible by a heartbeat (capped at 12 h from receipt); acks
 *       are batched into DeleteMessageBatch; FIFO groups are handled one message at a time, in
 *       order.
 *   <li>Queues: URLs resolved once and cached. A missing queue fails with {@link
 *       io.jobcommon.messaging.DestinationNotFoundException}, or, with auto-create on (for
 *       development), is created with its {@code <queue>-dlq} and a RedrivePolicy.
 * </ul>
 *
 * <pre>{@code
 * SqsTransport transport = SqsTransport.builder()
 *     .setRegion("eu-west-1")                        // or setClient(yourSqsAsyncClient)
 *     .build();
 * MessageClient client = MessageClient.create(transport);
 * client.send("sbom-process-queue", new SbomUploaded(sbomId, orgId));
 * transport.close();                                 // at shutdown
 * }</pre>
 *
 * <p>Thread-safe. A client passed to {@link Builder#setClient} stays the caller's to close; a
 * client the builder made is closed with the transport.
 */
public final class SqsTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(SqsTransport.class);

  /** Receives before SQS moves a message to its dead-letter queue, on queues this creates. */
  public static final int DEFAULT_DEAD_LETTER_MAX_RECEIVE_COUNT = 20;

  /**
   * How long a call to SQS may go unanswered after it was due before the transport reports itself
   * unhealthy.
   */
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(10);

  /** How long an ack waits for others to share a DeleteMessageBatch call. */
  public static final Duration DEFAULT_DELETE_FLUSH_DELAY = Duration.ofMillis(100);

  /** How long building a transport waits at most for its warm-up. */
  public static final Duration DEFAULT_WARM_UP_TIMEOUT = Duration.ofSeconds(5);

  /** How long subscribe waits to learn whether the queue exists before leaving it to the poller. */
  private static final Duration QUEUE_CHECK_TIMEOUT = Duration.ofSeconds(10);

  private final SqsAsyncClient client;
  private final @Nullable OwnedClient owned;
  private final SqsSender sender;
  private final SqsResources resources;
  private final ScheduledThreadPoolExecutor scheduler;
  private final Set<SqsSubscription> subscriptions = new CopyOnWriteArraySet<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final StallWatchdog watchdog;

  private SqsTransport(Builder b, SqsAsyncClient client, @Nullable OwnedClient owned) {
    this.client = client;
    this.owned = owned;
    this.watchdog = new StallWatchdog(b.stallTimeout, System::nanoTime);
    SqsAsyncClient watched = new WatchedSqsClient(client, watchdog);
    QueueDirectory queues = new QueueDirectory(watched, b.autoCreateQueues, b.maxReceiveCount);
    this.sender = new SqsSender(watched, queues);
    this.scheduler =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "jc-sqs-timer");
              t.setDaemon(true);
              return t;
            });
    this.scheduler.setRemoveOnCancelPolicy(true);
    this.resources = new SqsResources(watched, queues, sender, scheduler, b.clock, b.deleteDelay);
    watchdog.start(scheduler);
    WarmUp.run(client, queues, b.warmUpQueues, b.warmUpTimeout);
  }

  /** A builder; {@link Builder#setRegion} or {@link Builder#setClient} is usually all it needs. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code aws_sqs}. */
  @Override
  public String system() {
    return "aws_sqs";
  }

  @Override
  public CompletableFuture<String> send(OutgoingMessage message) {
    Objects.requireNonNull(message, "message");
    if (closed.get()) {
      return CompletableFuture.failedFuture(new ClientClosedException(message.queue()));
    }
    return Uninterrupted.call(() -> sender.send(message));
  }

  /**
   * Sends {@code messages} in SendMessageBatch calls of at most 10 entries and 1 MiB per queue.
   * Entries that break a limit fail alone; the others are still sent; the {@link
   * io.jobcommon.messaging.BatchSendException} accounts for every entry.
   */
  @Override
  public CompletableFuture<List<String>> sendBatch(List<OutgoingMessage> messages) {
    Objects.requireNonNull(messages, "messages");
    if (closed.get()) {
      String queue = messages.isEmpty() ? "(none)" : messages.get(0).queue();
      return CompletableFuture.failedFuture(new ClientClosedException(queue));
    }
    return Uninterrupted.call(() -> sender.sendBatch(List.copyOf(messages)));
  }

  /**
   * Starts consuming {@code queue}. Returns once the queue is known to exist (or after 10 s when
   * SQS does not answer); the poller receives and, while SQS fails or the queue is deleted, retries
   * with a backoff up to 10 s ({@link Subscription#isRunning()} is false meanwhile).
   *
   * @throws DestinationNotFoundException when the queue does not exist and auto-create is off
   * @throws ClientClosedException when the transport is closed
   */
  @Override
  public Subscription subscribe(String queue, ConsumerOptions options, DeliveryHandler handler) {
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(handler, "handler");
    if (closed.get()) {
      throw new ClientClosedException(queue);
    }
    requireExisting(queue);
    SqsSubscription s =
        new SqsSubscription(queue, options, handler, resources, subscriptions::remove);
    subscriptions.add(s);
    s.start();
    return s;
  }

  /**
   * A queue missing when its consumer starts (auto-create off) is a start-up error, as on RabbitMQ
   * with declaration off; any other lookup failure is left to the poller, which retries.
   */
  private void requireExisting(String queue) {
    try {
      resources.queues().resolve(queue).get(QUEUE_CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = Futures.unwrap(e);
      if (cause instanceof DestinationNotFoundException) {
        throw (DestinationNotFoundException) cause;
      }
    } catch (java.util.concurrent.TimeoutException e) {
      log.debug("queue {} not resolved within {}; the poller keeps trying", queue, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Queue listing and approximate depth (visible, in flight, delayed). */
  @Override
  public Optional<QueueAdmin> queueAdmin() {
    return Optional.of(new SqsQueueAdmin(client));
  }

  /**
   * Open, SQS answers (no call unanswered for longer than the stall timeout after it was due), the
   * last send reached SQS, and every subscription is receiving.
   */
  @Override
  public boolean isHealthy() {
    if (closed.get() || watchdog.isStalled() || sender.lastCallFailed()) {
      return false;
    }
    for (SqsSubscription s : subscriptions) {
      if (!s.isRunning()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Closes every subscription gracefully, all at once, then the timers and, if the builder made it,
   * the client. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<Thread> closers = new ArrayList<>();
    for (SqsSubscription s : subscriptions) {
      Thread t = new Thread(s::close, "jc-sqs-close-" + s.queue());
      t.start();
      closers.add(t);
    }
    for (Thread t : closers) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    watchdog.stop();
    scheduler.shutdown();
    if (owned != null) {
      owned.close();
    }
    log.debug("SQS transport closed");
  }

  /**
   * Builds an {@link SqsTransport}: either on your own {@link SqsAsyncClient} ({@link #setClient}),
   * or on one it makes from a region, an optional endpoint override (LocalStack, ElasticMQ) and
   * credentials (the SDK's default chain unless set). Not thread-safe.
   */
  public static final class Builder {
    private @Nullable SqsAsyncClient client;
    private @Nullable String region;
    private @Nullable URI endpoint;
    private @Nullable AwsCredentialsProvider credentials;
    private boolean autoCreateQueues;
    private int maxReceiveCount = DEFAULT_DEAD_LETTER_MAX_RECEIVE_COUNT;
    private Duration deleteDelay = DEFAULT_DELETE_FLUSH_DELAY;
    private Duration stallTimeout = DEFAULT_STALL_TIMEOUT;
    private List<String> warmUpQueues = List.of();
    private Duration warmUpTimeout = DEFAULT_WARM_UP_TIMEOUT;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Your own client (its HTTP client, retries and credentials as you configured them); the
     * transport does not close it. Excludes region, endpoint and credentials settings.
     */
    public Builder setClient(SqsAsyncClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** The AWS region, such as {@code eu-west-1}; else the SDK's default region chain. */
    public Builder setRegion(String region) {
      this.region = Objects.requireNonNull(region, "region");
      return this;
    }

    /**
     * The SQS endpoint, for LocalStack or ElasticMQ, such as {@code http://localhost:4566}; with no
     * region set, {@code us-east-1} is used for signing.
     */
    public Builder setEndpointOverride(URI endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    /** The credentials; the SDK's default chain (environment, profile, ECS/EC2 roles) if unset. */
    public Builder setCredentialsProvider(AwsCredentialsProvider credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    /**
     * Whether a missing queue is created on first use, with its {@code <queue>-dlq} and a
     * RedrivePolicy (default false: a missing queue fails the send). For development and tests;
     * production queues belong in infrastructure code.
     */
    public Builder setAutoCreateQueues(boolean autoCreateQueues) {
      this.autoCreateQueues = autoCreateQueues;
      return this;
    }

    /**
     * The RedrivePolicy {@code maxReceiveCount} of queues this transport creates (default {@value
     * #DEFAULT_DEAD_LETTER_MAX_RECEIVE_COUNT}). It is a safety net for messages no worker settles
     * (a worker that dies mid-handler): keep it well above the retry policy's attempts, since
     * releases at shutdown count as receives too.
     */
    public Builder setDeadLetterMaxReceiveCount(int maxReceiveCount) {
      if (maxReceiveCount < 1 || maxReceiveCount > 1000) {
        throw new IllegalArgumentException(
            "maxReceiveCount must be between 1 and 1000 (the SQS range), was " + maxReceiveCount);
      }
      this.maxReceiveCount = maxReceiveCount;
      return this;
    }

    /**
     * How long an ack waits for others to share a DeleteMessageBatch call (default 100 ms; zero
     * deletes each at once). Acks are flushed at 10 entries and on close anyway.
     */
    public Builder setDeleteFlushDelay(Duration delay) {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delete flush delay must not be negative: " + delay);
      }
      this.deleteDelay = delay;
      return this;
    }

    /**
     * How long a call to SQS may go unanswered after it was due (at once for sends, acks and
     * visibility changes; after the 20 s wait of a long poll) before {@link
     * SqsTransport#isHealthy()} turns false and one warning is logged (default 10 s). The first
     * answer turns it back, with one info line.
     */
    public Builder setStallTimeout(Duration stallTimeout) {
      Objects.requireNonNull(stallTimeout, "stallTimeout");
      if (stallTimeout.isNegative() || stallTimeout.isZero()) {
        throw new IllegalArgumentException("stall timeout must be positive: " + stallTimeout);
      }
      this.stallTimeout = stallTimeout;
      return this;
    }

    /**
     * The queues whose URLs {@link #build()} resolves already (with auto-create on, creating them),
     * so the first send to each costs one call, not three. Without any, {@code build()} still makes
     * one cheap call (ListQueues for one queue) to warm up the client. A queue that cannot be
     * resolved is logged and does not stop the start-up.
     */
    public Builder setWarmUpQueues(List<String> queues) {
      this.warmUpQueues = List.copyOf(Objects.requireNonNull(queues, "queues"));
      return this;
    }

    /**
     * How long {@link #build()} waits at most for the warm-up (default 5 s); zero skips the
     * warm-up. When SQS does not answer in time, the transport starts anyway and logs a warning.
     */
    public Builder setWarmUpTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("warm-up timeout must not be negative: " + timeout);
      }
      this.warmUpTimeout = timeout;
      return this;
    }

    /** The clock for receipt times and leases; the system UTC clock by default. */
    public Builder setClock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The transport.
     *
     * @throws IllegalStateException when both a client and client settings were given
     * @throws ConfigurationException when no region is set and the SDK's chain finds none
     */
    public SqsTransport build() {
      if (client != null) {
        if (region != null || endpoint != null || credentials != null) {
          throw new IllegalStateException(
              "setClient excludes setRegion, setEndpointOverride and setCredentialsProvider:"
                  + " configure those on your own SqsAsyncClient");
        }
        return new SqsTransport(this, client, null);
      }
      OwnedClient made = OwnedClient.create(region, endpoint, credentials);
      try {
        return new SqsTransport(this, made.client(), made);
      } catch (RuntimeException e) {
        made.close();
        throw e;
      }
    }
  }
}
