package io.jobcommon.messaging.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Coalesced acks ({@link AckWindow}) against the real broker: settled out of order, mixed with
 * releases and retries, flushed on close, and never starving the prefetch window.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RabbitMqAckCoalescingIT {
  private static final Broker BROKER = Broker.local();
  private static final Duration WAIT = Duration.ofSeconds(30);

  private RabbitMqTransport transport;

  @BeforeEach
  void connect() {
    transport = BROKER.transport().build();
  }

  @AfterEach
  void close() {
    transport.close();
  }

  @AfterAll
  static void deleteQueues() throws Exception {
    BROKER.deleteQueues();
  }

  private void send(String queue, int n) {
    send(queue, 0, n);
  }

  /** Sends the numbers {@code from} (inclusive) to {@code to} (exclusive) as bodies. */
  private void send(String queue, int from, int to) {
    List<CompletableFuture<String>> sends = new ArrayList<>();
    for (int i = from; i < to; i++) {
      sends.add(
          transport.send(
              OutgoingMessage.builder(queue)
                  .setBody(String.valueOf(i).getBytes(StandardCharsets.UTF_8))
                  .build()));
    }
    CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0])).join();
  }

  private static int messageCount(String queue) throws Exception {
    try (Connection c = BROKER.rawConnection();
        Channel ch = c.createChannel()) {
      return ch.queueDeclarePassive(queue).getMessageCount();
    }
  }

  /** Unacked messages go back to the queue when the channel closes: none may. */
  private static void assertNothingComesBack(String queue) {
    await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> messageCount(queue) == 0);
  }

  @Test
  @SuppressWarnings("ThreadPriorityCheck") // Thread.yield on purpose: to shuffle the settle order
  void outOfOrderAcksReleasesAndRetriesLeaveNothingBehindOnceClosed() throws Exception {
    transport.close();
    // A linger longer than the test: the acks still waiting at the end go out only on close.
    transport = BROKER.transport().setAckLinger(Duration.ofMinutes(5)).build();
    String queue = BROKER.queue("jc-acks");
    int n = 400;
    send(queue, n);
    Set<String> acked = ConcurrentHashMap.newKeySet();
    Set<String> released = ConcurrentHashMap.newKeySet();
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    List<CompletableFuture<Void>> ackFutures = new ArrayList<>();
    Subscription s =
        transport.subscribe(
            queue,
            ConsumerOptions.builder().setConcurrency(4).setPrefetch(40).build(),
            d -> {
              String body = new String(d.body(), StandardCharsets.UTF_8);
              int i = Integer.parseInt(body);
              seen.merge(body, 1, Integer::sum);
              if (i % 10 == 3 && released.add(body)) {
                d.release(); // a nack in the middle of a run of acks (comes back as attempt 1)
              } else if (d.attempt() == 1 && i % 13 == 5) {
                d.retryLater(Duration.ZERO); // open until its copy is confirmed
              } else {
                if (i % 7 == 0) {
                  Thread.yield(); // shuffle the settle order across the four threads
                }
                CompletableFuture<Void> f = d.ack();
                synchronized (ackFutures) {
                  ackFutures.add(f);
                }
                acked.add(body);
              }
            });
    await().atMost(WAIT).until(() -> acked.size() == n);
    // Three more, acked in order: fewer than the flush threshold (qos 44 / 10), so they wait.
    send(queue, n, n + 3);
    await().atMost(WAIT).until(() -> acked.size() == n + 3);

    s.close(); // the acks still waiting in the window go out before the channel closes

    assertNothingComesBack(queue);
    synchronized (ackFutures) {
      assertThat(ackFutures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    }
    for (int i = 0; i < n + 3; i++) {
      int expected = 1 + (i % 10 == 3 ? 1 : 0) + (i % 13 == 5 ? 1 : 0);
      assertThat(seen.get(String.valueOf(i)))
          .as("deliveries of message %d: none redelivered because an ack was lost", i)
          .isEqualTo(expected);
    }
  }

  @Test
  void anAckCompletesSoonWhenFewMessagesFlow() throws Exception {
    String queue = BROKER.queue("jc-ack-one");
    send(queue, 1);
    CompletableFuture<CompletableFuture<Void>> ack = new CompletableFuture<>();
    Subscription s =
        transport.subscribe(
            queue,
            ConsumerOptions.builder().setConcurrency(1).setPrefetch(100).build(),
            d -> ack.complete(d.ack()));

    ack.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS); // the linger timer

    s.close();
    assertNothingComesBack(queue);
  }

  @Test
  void aDeliveryHeldByItsHandlerDoesNotStarveThePrefetchWindow() throws Exception {
    String queue = BROKER.queue("jc-ack-held");
    int n = 200;
    send(queue, n);
    CountDownLatch othersDone = new CountDownLatch(n - 1);
    AtomicInteger first = new AtomicInteger(-1);
    Subscription s =
        transport.subscribe(
            queue,
            ConsumerOptions.builder().setConcurrency(2).setPrefetch(20).build(),
            d -> {
              int i = Integer.parseInt(new String(d.body(), StandardCharsets.UTF_8));
              if (first.compareAndSet(-1, i)) {
                try {
                  // Holds the lowest delivery tag: acks above it cannot go out as one multiple
                  // ack, and the window (qos 22) would fill with them if they only waited.
                  assertThat(othersDone.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              } else {
                othersDone.countDown();
              }
              d.ack();
            });

    assertThat(othersDone.await(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .as("the other %d messages flowed past the held one", n - 1)
        .isTrue();
    s.close();
    assertNothingComesBack(queue);
  }
}
