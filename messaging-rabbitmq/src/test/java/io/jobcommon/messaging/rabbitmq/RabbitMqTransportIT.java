package io.jobcommon.messaging.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.LongString;
import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.DestinationNotFoundException;
import io.jobcommon.messaging.MessagingException;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.SendFailedException;
import io.jobcommon.messaging.spi.DeadLetters;
import io.jobcommon.messaging.spi.Delivery;
import io.jobcommon.messaging.spi.StandardHeaders;
import io.jobcommon.messaging.spi.Subscription;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** RabbitMQ-specific behaviour beyond the conformance kit, against the real broker. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RabbitMqTransportIT {
  private static final Broker BROKER = Broker.local();
  private static final Duration WAIT = Duration.ofSeconds(20);

  private RabbitMqTransport transport;
  private final List<Subscription> subscriptions = new ArrayList<>();

  @BeforeEach
  void connect() {
    transport = BROKER.transport().build();
  }

  @AfterEach
  void close() {
    subscriptions.forEach(Subscription::close);
    transport.close();
  }

  @AfterAll
  static void deleteQueues() throws Exception {
    BROKER.deleteQueues();
  }

  private BlockingQueue<Delivery> consume(
      String queue, java.util.function.Consumer<Delivery> then) {
    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    subscriptions.add(
        transport.subscribe(
            queue,
            ConsumerOptions.builder().setConcurrency(4).setPrefetch(4).build(),
            d -> {
              got.add(d);
              then.accept(d);
            }));
    return got;
  }

  private static Delivery next(BlockingQueue<Delivery> q) throws InterruptedException {
    Delivery d = q.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(d).as("a delivery within %s", WAIT).isNotNull();
    return d;
  }

  private static String text(Delivery d) {
    return new String(d.body(), StandardCharsets.UTF_8);
  }

  private static OutgoingMessage message(String queue, String body) {
    return OutgoingMessage.builder(queue).setBody(body.getBytes(StandardCharsets.UTF_8)).build();
  }

  @Test
  void anUnroutablePublishFailsTheSend() {
    String missing = BROKER.queue("jc-missing");
    try (RabbitMqTransport noDeclare = BROKER.transport().setDeclareTopology(false).build()) {
      assertThatThrownBy(() -> noDeclare.send(message(missing, "lost?")).join())
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(DestinationNotFoundException.class)
          .hasMessageContaining(missing)
          .hasMessageContaining("312 NO_ROUTE");
    }
  }

  @Test
  void sendCompletesWithTheMessageIdSeenByTheConsumer() throws Exception {
    String queue = BROKER.queue("jc-id");
    String id = transport.send(message(queue, "x")).join();
    try (Connection c = BROKER.rawConnection();
        Channel ch = c.createChannel()) {
      GetResponse r = ch.basicGet(queue, true);
      assertThat(r).isNotNull();
      assertThat(r.getProps().getMessageId()).isEqualTo(id);
      assertThat(r.getProps().getDeliveryMode()).isEqualTo(2);
      assertThat(r.getProps().getContentType()).isEqualTo(OutgoingMessage.JSON);
      assertThat(r.getProps().getTimestamp()).isNotNull();
    }
  }

  @Test
  void retriesGoThroughDelayTiersAndAShortDelayIsNotHeldBehindALongOne() throws Exception {
    String queue = BROKER.queue("jc-tiers");
    Map<String, Long> retriedAt = new ConcurrentHashMap<>();
    Map<String, Long> backAt = new ConcurrentHashMap<>();
    BlockingQueue<Delivery> got =
        consume(
            queue,
            d -> {
              if (d.attempt() == 1) {
                retriedAt.put(text(d), System.nanoTime());
                d.retryLater(
                    text(d).equals("long") ? Duration.ofMillis(3500) : Duration.ofMillis(800));
              } else {
                backAt.put(text(d), System.nanoTime());
                d.ack();
              }
            });
    transport.send(message(queue, "long")).join();
    next(got); // the long retry is in its tier before the short one starts
    transport.send(message(queue, "short")).join();
    next(got);

    Delivery first = next(got);
    Delivery second = next(got);
    assertThat(text(first)).isEqualTo("short");
    assertThat(text(second)).isEqualTo("long");
    assertThat(first.attempt()).isEqualTo(2);
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(first.headers())
        .doesNotContainKey(StandardHeaders.ATTEMPT)
        .doesNotContainKey("x-death");
    await().atMost(WAIT).until(() -> backAt.size() == 2);
    // The 800 ms retry waits in the 1 s tier, the 3.5 s one in the 4 s tier.
    assertThat(Duration.ofNanos(backAt.get("short") - retriedAt.get("short")))
        .isGreaterThanOrEqualTo(Duration.ofMillis(800));
    assertThat(Duration.ofNanos(backAt.get("long") - retriedAt.get("long")))
        .isGreaterThanOrEqualTo(Duration.ofMillis(3500));
    assertThat(backAt.get("short")).isLessThan(backAt.get("long"));
    try (Connection c = BROKER.rawConnection();
        Channel ch = c.createChannel()) {
      ch.queueDeclarePassive(DelayTiers.queueName(queue, 1000));
      ch.queueDeclarePassive(DelayTiers.queueName(queue, 4000));
    }
  }

  @Test
  void deadLetteredMessagesCarryTheReasonAndTheOriginalHeaders() throws Exception {
    String queue = BROKER.queue("jc-dlq");
    consume(queue, d -> d.deadLetter("validation-failed: no sbomId"));
    transport
        .send(
            OutgoingMessage.builder(queue)
                .setBody("{}".getBytes(StandardCharsets.UTF_8))
                .setHeader("tenant", "acme")
                .setHeader("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .build())
        .join();
    try (Connection c = BROKER.rawConnection();
        Channel ch = c.createChannel()) {
      GetResponse[] r = new GetResponse[1];
      await()
          .atMost(WAIT)
          .until(() -> (r[0] = ch.basicGet(DeadLetters.queueName(queue), true)) != null);
      Map<String, Object> h = r[0].getProps().getHeaders();
      assertThat(h.get(StandardHeaders.DEAD_LETTER_REASON))
          .hasToString("validation-failed: no sbomId");
      assertThat(h.get(StandardHeaders.ORIGINAL_QUEUE)).hasToString(queue);
      assertThat(h.get(StandardHeaders.ATTEMPTS)).hasToString("1");
      assertThat(h.get("tenant")).hasToString("acme");
      assertThat(h.get("traceparent")).isInstanceOf(LongString.class);
      assertThat(r[0].getProps().getDeliveryMode()).isEqualTo(2);
      assertThat(new String(r[0].getBody(), StandardCharsets.UTF_8)).isEqualTo("{}");
      assertThat(ch.messageCount(queue)).isZero();
    }
  }

  @Test
  void retriedAndDeadLetteredCopiesKeepHeadersOfEveryAmqpType() throws Exception {
    String queue = BROKER.queue("jc-typed");
    consume(
        queue,
        d -> {
          if (d.attempt() == 1) {
            d.retryLater(Duration.ZERO);
          } else {
            d.deadLetter("typed headers");
          }
        });
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("table", Map.of("a", "b"));
    headers.put("list", List.of("x", 1));
    headers.put("int", 42);
    headers.put("tenant", "acme");
    try (Connection c = BROKER.rawConnection();
        Channel ch = c.createChannel()) {
      ch.basicPublish(
          "",
          queue,
          new AMQP.BasicProperties.Builder().messageId("m-typed").headers(headers).build(),
          "{}".getBytes(StandardCharsets.UTF_8));
      GetResponse[] r = new GetResponse[1];
      await()
          .atMost(WAIT)
          .until(() -> (r[0] = ch.basicGet(DeadLetters.queueName(queue), true)) != null);
      Map<String, Object> h = r[0].getProps().getHeaders();
      assertThat(h.get("table")).isInstanceOf(Map.class);
      assertThat(((Map<?, ?>) h.get("table")).get("a")).hasToString("b");
      assertThat(h.get("list")).isInstanceOf(List.class);
      assertThat(h.get("int")).isEqualTo(42);
      assertThat(h.get("tenant")).hasToString("acme");
      assertThat(h.get(StandardHeaders.DEAD_LETTER_REASON)).hasToString("typed headers");
      assertThat(h.get(StandardHeaders.ATTEMPTS)).hasToString("2");
      assertThat(h).doesNotContainKey(StandardHeaders.ATTEMPT);
    }
  }

  @Test
  void headersOfOtherPublishersAreReadAsStringsWithoutCrashing() throws Exception {
    String queue = BROKER.queue("jc-raw");
    BlockingQueue<Delivery> got = consume(queue, Delivery::ack);
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("text", "héllo ✓");
    headers.put("int", 42);
    headers.put("long", 9_000_000_000L);
    headers.put("bool", true);
    headers.put("decimal", new BigDecimal("12.50"));
    headers.put("bytes", "raw".getBytes(StandardCharsets.UTF_8));
    headers.put("when", new Date(0));
    headers.put("table", Map.of("a", "b"));
    headers.put("list", List.of("x", 1));
    headers.put(StandardHeaders.ATTEMPT, "3");
    try (Connection c = BROKER.rawConnection();
        Channel ch = c.createChannel()) {
      // No message id, as a bare amqp-client publisher sends.
      ch.basicPublish(
          "",
          queue,
          new AMQP.BasicProperties.Builder().headers(headers).build(),
          "raw".getBytes(StandardCharsets.UTF_8));
    }
    Delivery d = next(got);
    assertThat(d.headers())
        .containsEntry("text", "héllo ✓")
        .containsEntry("int", "42")
        .containsEntry("long", "9000000000")
        .containsEntry("bool", "true")
        .containsEntry("decimal", "12.50")
        .containsEntry("bytes", "raw")
        .containsEntry("when", "1970-01-01T00:00:00Z")
        .doesNotContainKeys("table", "list", StandardHeaders.ATTEMPT);
    assertThat(d.attempt()).isEqualTo(3);
    assertThat(d.messageId()).isNotBlank();
    await().atMost(WAIT).until(d::isSettled);
  }

  @Test
  void aDeclarationClashNamesTheArgumentThatDiffers() throws Exception {
    transport.close(); // strict mode: the default uses a clashing queue as it is
    transport = BROKER.transport().setTopologyMode(TopologyMode.STRICT).build();
    String queue = BROKER.queue("jc-clash");
    try (Connection c = BROKER.rawConnection();
        Channel ch = c.createChannel()) {
      // Only the type differs from what the transport declares.
      ch.queueDeclare(
          queue,
          true,
          false,
          false,
          Map.of(
              "x-queue-type",
              "quorum",
              "x-dead-letter-exchange",
              "",
              "x-dead-letter-routing-key",
              DeadLetters.queueName(queue)));
    }
    assertThatThrownBy(() -> consume(queue, Delivery::ack))
        .isInstanceOf(MessagingException.class)
        .hasMessageContaining("'x-queue-type'")
        .hasMessageContaining(queue);
    assertThatThrownBy(() -> transport.send(message(queue, "x")).join())
        .cause()
        .isInstanceOf(SendFailedException.class)
        .hasMessageContaining("'x-queue-type'");
    // The transport keeps working for other queues.
    String other = BROKER.queue("jc-after-clash");
    BlockingQueue<Delivery> got = consume(other, Delivery::ack);
    transport.send(message(other, "fine")).join();
    assertThat(text(next(got))).isEqualTo("fine");
  }

  @Test
  void healthAndRunningFollowTheRealState() throws Exception {
    String queue = BROKER.queue("jc-health");
    assertThat(transport.isHealthy()).isTrue();
    Subscription s = transport.subscribe(queue, ConsumerOptions.defaults(), Delivery::ack);
    subscriptions.add(s);
    assertThat(s.isRunning()).isTrue();
    try (Connection c = BROKER.rawConnection();
        Channel ch = c.createChannel()) {
      ch.queueDelete(queue); // the broker cancels the consumer
    }
    await().atMost(WAIT).until(() -> !s.isRunning());
    s.close();
    transport.close();
    assertThat(transport.isHealthy()).isFalse();
  }

  @Test
  void thePasswordNeverShows() {
    String url = BROKER.url();
    assertThat(transport.toString()).contains(":***@").doesNotContain(":guest@");
    assertThat(AmqpUri.mask(url)).doesNotContain(":guest@");
  }

  /**
   * Each subscription's close waits for its busy handler (up to a long shutdown timeout). One after
   * the other, the second close would not begin before the first handler finished; all at once,
   * every subscription stops before any handler is let go.
   */
  @Test
  void closeStopsEverySubscriptionAtOnce() throws Exception {
    CountDownLatch busy = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    ConsumerOptions options =
        ConsumerOptions.builder()
            .setConcurrency(1)
            .setShutdownTimeout(Duration.ofSeconds(50))
            .build();
    List<Subscription> subs = new ArrayList<>();
    for (String q : List.of(BROKER.queue("jc-close-a"), BROKER.queue("jc-close-b"))) {
      subs.add(
          transport.subscribe(
              q,
              options,
              d -> {
                busy.countDown();
                try {
                  release.await(50, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                d.ack();
              }));
      transport.send(message(q, "hold")).join();
    }
    assertThat(busy.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

    CompletableFuture<Void> closing = CompletableFuture.runAsync(transport::close);
    try {
      await().atMost(WAIT).until(() -> subs.stream().noneMatch(Subscription::isRunning));
      assertThat(closing).isNotDone(); // both handlers still hold their close
    } finally {
      release.countDown();
    }
    closing.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }
}
