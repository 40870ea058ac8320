package io.jobcommon.messaging.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jobcommon.messaging.ClientClosedException;
import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.DeadLetters;
import io.jobcommon.messaging.spi.Delivery;
import io.jobcommon.messaging.spi.StandardHeaders;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link Transport} must show, as an abstract JUnit 5 suite: a transport's
 * integration test extends it and says how to build the transport. The same assertions run on every
 * broker, so a worker behaves the same on SQS, RabbitMQ and in memory.
 *
 * <pre>{@code
 * class SqsTransportConformanceIT extends TransportConformanceKit {
 *   @Override
 *   protected Transport createTransport() {
 *     return SqsTransport.builder()
 *         .setEndpointOverride(elasticMq.endpoint())
 *         .setAutoCreateQueues(true)
 *         .build();
 *   }
 * }
 * }</pre>
 *
 * <p>Needs JUnit 5, AssertJ and Awaitility on the test classpath. Each test gets a new transport
 * and fresh queue names; queues must be created on first use.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class TransportConformanceKit {
  /** Slack for timer granularity when checking that something came no earlier than asked. */
  private static final Duration TIMER_SLACK = Duration.ofMillis(20);

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final List<Subscription> subscriptions = new ArrayList<>();

  /** The transport under test in the current test. */
  protected Transport transport;

  /** A new transport for each test; the kit closes it. Queues must be created on first use. */
  protected abstract Transport createTransport();

  /** A fresh queue name; override for a broker's naming rules. */
  protected String newQueueName() {
    return "jc-kit-" + UUID.randomUUID().toString().substring(0, 12);
  }

  /** Options for the kit's consumers: small leases so that lease behaviour is seen quickly. */
  protected ConsumerOptions options(int concurrency, int prefetch) {
    return ConsumerOptions.builder()
        .setConcurrency(concurrency)
        .setPrefetch(prefetch)
        .setLease(Duration.ofSeconds(30))
        .setShutdownTimeout(Duration.ofSeconds(20))
        .build();
  }

  @BeforeEach
  void createTheTransport() {
    transport = createTransport();
  }

  @AfterEach
  void closeTheTransport() {
    for (Subscription s : subscriptions) {
      s.close();
    }
    if (transport != null) {
      transport.close();
    }
  }

  /** Subscribes and remembers the subscription, so it is closed after the test. */
  private Subscription subscribe(String queue, ConsumerOptions options, Recorder handler) {
    Subscription s = transport.subscribe(queue, options, handler);
    subscriptions.add(s);
    return s;
  }

  private String send(String queue, byte[] body, Map<String, String> headers) {
    return transport
        .send(OutgoingMessage.builder(queue).setBody(body).setHeaders(headers).build())
        .join();
  }

  private String send(String queue, String body) {
    return send(queue, body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  @Test
  void bodiesAndHeadersRoundTripIntact() throws Exception {
    String queue = newQueueName();
    byte[] unicode = "{\"name\":\"héllo wörld ✓ 日本語 🚀\"}".getBytes(StandardCharsets.UTF_8);
    byte[] empty = new byte[0];
    byte[] large = new byte[256 * 1024];
    for (int i = 0; i < large.length; i++) {
      large[i] = (byte) ('a' + i % 26);
    }
    byte[] binary = new byte[256];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) i;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("tenant", "acme");
    headers.put("note", "ünïcödé ✓ with spaces, commas; and = signs");
    List<byte[]> bodies = List.of(unicode, empty, large, binary);
    Map<String, byte[]> sent = new LinkedHashMap<>();
    for (byte[] body : bodies) {
      sent.put(send(queue, body, headers), body);
    }
    Recorder recorder = Recorder.acking();
    subscribe(queue, options(2, 2), recorder);

    Map<String, Delivery> got = new LinkedHashMap<>();
    for (int i = 0; i < bodies.size(); i++) {
      Delivery d = recorder.next(WAIT).delivery;
      got.put(d.messageId(), d);
    }
    assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(sent.keySet());
    for (Map.Entry<String, byte[]> e : sent.entrySet()) {
      Delivery d =
          Objects.requireNonNull(got.get(e.getKey()), () -> "no delivery of " + e.getKey());
      assertThat(d.body()).as("body of %s", e.getKey()).isEqualTo(e.getValue());
      assertThat(d.bodySize()).isEqualTo(e.getValue().length);
      assertThat(d.headers()).containsAllEntriesOf(headers);
      assertThat(d.attempt()).isEqualTo(1);
      assertThat(d.queue()).isEqualTo(queue);
    }
  }

  @Test
  void batchSendDeliversEveryEntryOnceWithItsId() throws Exception {
    String queue = newQueueName();
    List<OutgoingMessage> batch = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      batch.add(
          OutgoingMessage.builder(queue)
              .setBody(("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8))
              .setHeader("n", Integer.toString(i))
              .build());
    }
    List<String> ids = transport.sendBatch(batch).join();
    assertThat(ids).hasSize(25).doesNotHaveDuplicates();

    Recorder recorder = Recorder.acking();
    subscribe(queue, options(4, 8), recorder);
    Map<String, String> bodyById = new HashMap<>();
    for (int i = 0; i < 25; i++) {
      Delivery d = recorder.next(WAIT).delivery;
      bodyById.put(d.messageId(), new String(d.body(), StandardCharsets.UTF_8));
      assertThat(d.headers().get("n")).isNotNull();
    }
    assertThat(bodyById.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    for (int i = 0; i < 25; i++) {
      assertThat(bodyById.get(ids.get(i))).isEqualTo("{\"n\":" + i + "}");
    }
  }

  @Test
  void delayedSendArrivesNoEarlierThanItsDelay() throws Exception {
    String queue = newQueueName();
    Duration delay = Duration.ofSeconds(2);
    Recorder recorder = Recorder.acking();
    subscribe(queue, options(2, 2), recorder);

    long start = System.nanoTime();
    transport
        .send(
            OutgoingMessage.builder(queue)
                .setBody("late".getBytes(StandardCharsets.UTF_8))
                .setDelay(delay)
                .build())
        .join();
    send(queue, "now");

    Recorder.Received first = recorder.next(WAIT);
    assertThat(new String(first.delivery.body(), StandardCharsets.UTF_8)).isEqualTo("now");
    Recorder.Received late = recorder.next(WAIT);
    assertThat(new String(late.delivery.body(), StandardCharsets.UTF_8)).isEqualTo("late");
    assertThat(Duration.ofNanos(late.nanoTime - start)).isGreaterThan(delay.minus(TIMER_SLACK));
  }

  @Test
  void ackRemovesTheMessageForGood() throws Exception {
    String queue = newQueueName();
    send(queue, "once");
    Recorder recorder = Recorder.acking();
    subscribe(queue, options(1, 0).toBuilder().setLease(Duration.ofSeconds(1)).build(), recorder);

    recorder.next(WAIT);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> recorder.count() == 1);
  }

  @Test
  void secondSettleIsIgnored() throws Exception {
    String queue = newQueueName();
    send(queue, "settle-twice");
    Recorder recorder =
        new Recorder(
            d -> {
              d.ack().join();
              d.retryLater(Duration.ZERO).join();
              d.deadLetter("must be ignored").join();
            });
    subscribe(queue, options(1, 0), recorder);
    Delivery d = recorder.next(WAIT).delivery;
    await().atMost(Duration.ofSeconds(5)).until(d::isSettled);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> recorder.count() == 1);
    Recorder dlq = Recorder.acking();
    subscribe(DeadLetters.queueName(queue), options(1, 0), dlq);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> dlq.count() == 0);
  }

  @Test
  void retryLaterRedeliversNoEarlierThanAskedAsTheNextAttempt() throws Exception {
    String queue = newQueueName();
    Duration delay = Duration.ofSeconds(2);
    send(queue, "retry-me");
    long[] retriedAt = new long[1];
    Recorder recorder =
        new Recorder(
            d -> {
              if (d.attempt() == 1) {
                retriedAt[0] = System.nanoTime();
                d.retryLater(delay);
              } else {
                d.ack();
              }
            });
    subscribe(queue, options(1, 1), recorder);

    Recorder.Received first = recorder.next(WAIT);
    assertThat(first.delivery.attempt()).isEqualTo(1);
    Recorder.Received second = recorder.next(WAIT);
    assertThat(second.delivery.attempt()).isEqualTo(2);
    assertThat(second.delivery.messageId()).isEqualTo(first.delivery.messageId());
    assertThat(second.delivery.body()).isEqualTo(first.delivery.body());
    assertThat(Duration.ofNanos(second.nanoTime - retriedAt[0]))
        .isGreaterThan(delay.minus(TIMER_SLACK));
  }

  @Test
  void deadLetterMovesBodyHeadersAndReasonToTheDeadLetterQueue() throws Exception {
    String queue = newQueueName();
    byte[] body = "{\"poison\":true}".getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = Map.of("tenant", "acme", "traceparent", traceparent());
    send(queue, body, headers);
    Instant before = Instant.now().minusSeconds(1);
    Recorder recorder = new Recorder(d -> d.deadLetter("kit-reason: cannot process"));
    subscribe(queue, options(1, 0), recorder);
    recorder.next(WAIT);

    Recorder dlq = Recorder.acking();
    subscribe(DeadLetters.queueName(queue), options(1, 0), dlq);
    Delivery dead = dlq.next(WAIT).delivery;
    assertThat(dead.body()).isEqualTo(body);
    assertThat(dead.headers())
        .containsAllEntriesOf(headers)
        .containsEntry(StandardHeaders.DEAD_LETTER_REASON, "kit-reason: cannot process")
        .containsEntry(StandardHeaders.ORIGINAL_QUEUE, queue)
        .containsEntry(StandardHeaders.ATTEMPTS, "1");
    assertThat(Instant.parse(dead.headers().get(StandardHeaders.FAILED_AT))).isAfter(before);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> recorder.count() == 1);
  }

  @Test
  void extendLeasePreventsRedelivery() throws Exception {
    String queue = newQueueName();
    send(queue, "long job");
    CountDownLatch finish = new CountDownLatch(1);
    Recorder recorder =
        new Recorder(
            d -> {
              d.extendLease(Duration.ofSeconds(20)).join();
              if (finish.await(30, TimeUnit.SECONDS)) {
                d.ack();
              }
            });
    ConsumerOptions shortLease = options(2, 0).toBuilder().setLease(Duration.ofSeconds(1)).build();
    subscribe(queue, shortLease, recorder);
    recorder.next(WAIT);
    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(6))
        .until(() -> recorder.count() == 1);
    finish.countDown();
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> recorder.count() == 1);
  }

  @Test
  void concurrencyAndPrefetchBoundsAreNeverExceeded() throws Exception {
    String queue = newQueueName();
    int concurrency = 2;
    int prefetch = 3;
    int total = 20;
    List<OutgoingMessage> batch = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      batch.add(
          OutgoingMessage.builder(queue)
              .setBody(("m" + i).getBytes(StandardCharsets.UTF_8))
              .build());
    }
    transport.sendBatch(batch).join();

    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    Recorder holder =
        new Recorder(
            d -> {
              maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
              try {
                if (release.await(60, TimeUnit.SECONDS)) {
                  d.ack();
                }
              } finally {
                running.decrementAndGet();
              }
            });
    subscribe(queue, options(concurrency, prefetch), holder);
    await().atMost(WAIT).until(() -> running.get() == concurrency);

    // The first consumer holds at most concurrency + prefetch messages; a second one gets the rest.
    Recorder other = Recorder.acking();
    subscribe(queue, options(10, 0), other);
    await().atMost(WAIT).until(() -> other.count() >= total - concurrency - prefetch);
    int[] last = {-1};
    await()
        .pollInterval(Duration.ofMillis(700))
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              int now = other.count();
              boolean stable = now == last[0];
              last[0] = now;
              return stable;
            });
    int heldByFirst = total - other.count();
    assertThat(heldByFirst).isLessThanOrEqualTo(concurrency + prefetch);
    assertThat(maxRunning.get()).isEqualTo(concurrency);

    release.countDown();
    Set<String> ids = ConcurrentHashMap.newKeySet();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              ids.clear();
              holder.all().forEach(r -> ids.add(r.delivery.messageId()));
              other.all().forEach(r -> ids.add(r.delivery.messageId()));
              return ids.size() == total;
            });
    assertThat(maxRunning.get()).isEqualTo(concurrency);
  }

  @Test
  void closeFinishesInFlightWorkAndReleasesTheRest() throws Exception {
    String queue = newQueueName();
    for (int i = 0; i < 5; i++) {
      send(queue, "job-" + i);
    }
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    AtomicInteger finished = new AtomicInteger();
    Recorder recorder =
        new Recorder(
            d -> {
              started.countDown();
              if (finish.await(30, TimeUnit.SECONDS)) {
                finished.incrementAndGet();
                d.ack();
              }
            });
    // A long lease: released messages can only come back quickly because they were released.
    ConsumerOptions options = options(1, 4).toBuilder().setLease(Duration.ofSeconds(60)).build();
    Subscription first = transport.subscribe(queue, options, recorder);
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> closing = CompletableFuture.runAsync(first::close);
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> !closing.isDone());
    finish.countDown();
    closing.get(30, TimeUnit.SECONDS);
    assertThat(first.isRunning()).isFalse();
    assertThat(finished.get()).isEqualTo(1);
    assertThat(recorder.count()).isEqualTo(1);
    String done = recorder.all().get(0).delivery.messageId();

    Recorder next = Recorder.acking();
    subscribe(queue, options(4, 4), next);
    await().atMost(Duration.ofSeconds(10)).until(() -> next.count() >= 4);
    Set<String> rest = new HashSet<>();
    next.all().forEach(r -> rest.add(r.delivery.messageId()));
    assertThat(rest).hasSize(4).doesNotContain(done);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> next.count() == 4);
  }

  @Test
  void aThousandMessagesThroughEightHandlersAreEachHandledExactlyOnce() throws Exception {
    String queue = newQueueName();
    int total = 1000;
    Set<String> sentIds = new HashSet<>();
    for (int chunk = 0; chunk < total / 100; chunk++) {
      List<OutgoingMessage> batch = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        batch.add(
            OutgoingMessage.builder(queue)
                .setBody(("{\"n\":" + (chunk * 100 + i) + "}").getBytes(StandardCharsets.UTF_8))
                .build());
      }
      sentIds.addAll(transport.sendBatch(batch).join());
    }
    assertThat(sentIds).hasSize(total);

    Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    Recorder recorder =
        new Recorder(
            d -> {
              maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
              handled.computeIfAbsent(d.messageId(), k -> new AtomicInteger()).incrementAndGet();
              running.decrementAndGet();
              d.ack();
            });
    subscribe(queue, options(8, 16), recorder);
    await().atMost(Duration.ofSeconds(90)).until(() -> handled.size() == total);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> recorder.count() == total);
    assertThat(handled.keySet()).isEqualTo(sentIds);
    assertThat(handled.values()).allMatch(n -> n.get() == 1);
    assertThat(maxRunning.get()).isBetween(1, 8);
  }

  @Test
  void sendingOnAClosedTransportFailsClearly() {
    String queue = newQueueName();
    transport.close();
    CompletableFuture<String> f =
        transport.send(OutgoingMessage.builder(queue).setBody(new byte[] {'x'}).build());
    assertThatThrownBy(f::join).hasCauseInstanceOf(ClientClosedException.class);
  }

  private static String traceparent() {
    return "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  }
}
