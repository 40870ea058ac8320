package io.jobcommon.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcommon.messaging.spi.StandardHeaders;
import io.jobcommon.messaging.testing.InMemoryMessage;
import io.jobcommon.messaging.testing.InMemoryTransport;
import io.jobcommon.messaging.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DispatcherTest {
  record Order(String id, int quantity, Instant placedAt) {}

  private final TestClock clock = TestClock.create();
  private final InMemoryTransport broker = InMemoryTransport.builder().setClock(clock).build();
  private final Dispatcher dispatcher = Dispatcher.builder(broker).build();
  private final MessageClient client = dispatcher.client();

  @AfterEach
  void close() {
    dispatcher.close();
    broker.close();
  }

  /** A consumer that records what it handled and fails as told. */
  static final class OrderJob extends JobConsumer<Order> {
    final List<Order> handled = new CopyOnWriteArrayList<>();
    final List<Integer> attempts = new CopyOnWriteArrayList<>();
    final List<Instant> calledAt = new CopyOnWriteArrayList<>();
    private final RetryPolicy policy;
    private final RuntimeException failure;
    private final TestClock clock;

    OrderJob(TestClock clock, RetryPolicy policy, RuntimeException failure) {
      super("orders");
      this.clock = clock;
      this.policy = policy;
      this.failure = failure;
    }

    @Override
    protected void handle(Order order, JobContext ctx) {
      attempts.add(ctx.attempt());
      calledAt.add(clock.instant());
      if (failure != null) {
        throw failure;
      }
      handled.add(order);
    }

    @Override
    public RetryPolicy retryPolicy() {
      return policy;
    }
  }

  @Test
  void successfulHandlingAcksTheMessage() {
    OrderJob job = new OrderJob(clock, RetryPolicy.defaults(), null);
    dispatcher.start(job);
    Order order = new Order("o-1", 3, Instant.parse("2026-05-01T10:15:30Z"));
    client.send("orders", order);

    broker.awaitIdle(Duration.ofSeconds(5));
    assertThat(job.handled).containsExactly(order);
    assertThat(job.attempts).containsExactly(1);
    assertThat(broker.pending("orders")).isZero();
    assertThat(broker.deadLettered("orders")).isEmpty();
  }

  @Test
  void undecodablePayloadIsDeadLetteredAtOnceWithTheReason() {
    OrderJob job = new OrderJob(clock, RetryPolicy.defaults(), null);
    dispatcher.start(job);
    broker
        .send(
            OutgoingMessage.builder("orders")
                .setBody("{not json".getBytes(StandardCharsets.UTF_8))
                .setHeader("tenant", "acme")
                .build())
        .join();

    broker.awaitIdle(Duration.ofSeconds(5));
    assertThat(job.attempts).isEmpty();
    List<InMemoryMessage> dead = broker.deadLettered("orders");
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).bodyAsString()).isEqualTo("{not json");
    assertThat(dead.get(0).headers())
        .containsEntry("tenant", "acme")
        .containsEntry(StandardHeaders.ORIGINAL_QUEUE, "orders")
        .containsEntry(StandardHeaders.ATTEMPTS, "1");
    assertThat(dead.get(0).header(StandardHeaders.DEAD_LETTER_REASON).orElseThrow())
        .startsWith("payload-decoding-failed: ")
        .contains("DispatcherTest$Order");
  }

  @Test
  void aMessageWhoseHeadersTheTransportCouldNotReadIsDeadLetteredAtOnce() {
    OrderJob job = new OrderJob(clock, RetryPolicy.defaults(), null);
    dispatcher.start(job);
    broker
        .send(
            OutgoingMessage.builder("orders")
                .setBody("{\"id\":\"o-1\",\"quantity\":1}".getBytes(StandardCharsets.UTF_8))
                .setHeader(StandardHeaders.UNREADABLE_HEADERS, "header 'deep' nests too deep")
                .build())
        .join();

    broker.awaitIdle(Duration.ofSeconds(5));
    assertThat(job.attempts).isEmpty();
    List<InMemoryMessage> dead = broker.deadLettered("orders");
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).bodyAsString()).isEqualTo("{\"id\":\"o-1\",\"quantity\":1}");
    assertThat(dead.get(0).header(StandardHeaders.DEAD_LETTER_REASON).orElseThrow())
        .isEqualTo("headers-unreadable: header 'deep' nests too deep");
  }

  @Test
  void aStackOverflowInTheHandlerIsRetriedAndLaterMessagesFlow() {
    AtomicInteger overflows = new AtomicInteger();
    JobConsumer<Order> job =
        new JobConsumer<Order>("orders") {
          @Override
          protected void handle(Order order, JobContext ctx) {
            if (order.id().equals("deep")) {
              overflows.incrementAndGet();
              throw new StackOverflowError();
            }
          }

          @Override
          public RetryPolicy retryPolicy() {
            return RetryPolicy.builder()
                .setMaxAttempts(2)
                .setInitialBackoff(Duration.ofMillis(1))
                .setJitter(false)
                .build();
          }
        };
    dispatcher.start(job);
    client.send("orders", new Order("deep", 1, Instant.EPOCH));
    await().atMost(Duration.ofSeconds(5)).until(() -> overflows.get() == 1);
    clock.advance(Duration.ofSeconds(1));
    broker.awaitIdle(Duration.ofSeconds(5));
    client.send("orders", new Order("after", 1, Instant.EPOCH));
    broker.awaitIdle(Duration.ofSeconds(5));

    assertThat(overflows).hasValue(2);
    assertThat(broker.deadLettered("orders")).hasSize(1);
    assertThat(
            broker.deadLettered("orders").get(0).header(StandardHeaders.DEAD_LETTER_REASON).get())
        .startsWith("attempts-exhausted (2 of 2): java.lang.StackOverflowError");
    assertThat(broker.pending("orders")).isZero();
  }

  @Test
  void wrongTypesAndJsonNullAreDeadLetteredAsDecodingFailures() {
    OrderJob job = new OrderJob(clock, RetryPolicy.defaults(), null);
    dispatcher.start(job);
    for (String body : List.of("null", "{\"quantity\":\"many\"}", "[1,2]", "{} trailing", "")) {
      broker
          .send(
              OutgoingMessage.builder("orders")
                  .setBody(body.getBytes(StandardCharsets.UTF_8))
                  .build())
          .join();
    }
    broker.awaitIdle(Duration.ofSeconds(5));
    assertThat(job.attempts).isEmpty();
    assertThat(broker.deadLettered("orders"))
        .hasSize(5)
        .allSatisfy(
            m ->
                assertThat(m.header(StandardHeaders.DEAD_LETTER_REASON).orElseThrow())
                    .startsWith("payload-decoding-failed: "));
  }

  @Test
  void nonRetryableFailureIsDeadLetteredAtOnce() {
    OrderJob job =
        new OrderJob(
            clock,
            RetryPolicy.defaults(),
            new IllegalStateException("wrapped", new NonRetryableException("order o-2 is gone")));
    dispatcher.start(job);
    client.send("orders", new Order("o-2", 1, clock.instant()));

    broker.awaitIdle(Duration.ofSeconds(5));
    assertThat(job.attempts).containsExactly(1);
    InMemoryMessage dead = broker.deadLettered("orders").get(0);
    assertThat(dead.header(StandardHeaders.DEAD_LETTER_REASON).orElseThrow())
        .startsWith("non-retryable: java.lang.IllegalStateException: wrapped");
  }

  @Test
  void configuredNonRetryableClassIsDeadLetteredAtOnce() {
    RetryPolicy policy =
        RetryPolicy.builder().addNonRetryable(IllegalArgumentException.class).build();
    OrderJob job = new OrderJob(clock, policy, new IllegalArgumentException("bad quantity"));
    dispatcher.start(job);
    client.send("orders", new Order("o-3", -1, clock.instant()));

    broker.awaitIdle(Duration.ofSeconds(5));
    assertThat(job.attempts).containsExactly(1);
    assertThat(broker.deadLettered("orders")).hasSize(1);
  }

  @Test
  void failingHandlerIsRetriedWithGrowingDelaysThenDeadLettered() {
    RetryPolicy policy =
        RetryPolicy.builder()
            .setMaxAttempts(4)
            .setInitialBackoff(Duration.ofSeconds(1))
            .setMultiplier(2)
            .setJitter(false)
            .build();
    OrderJob job = new OrderJob(clock, policy, new IllegalStateException("database down"));
    dispatcher.start(job);
    client.send("orders", new Order("o-4", 1, clock.instant()));
    Instant sent = clock.instant();

    await().atMost(Duration.ofSeconds(5)).until(() -> job.attempts.size() == 1);
    // Each retry is due exactly at its backoff: not a millisecond earlier.
    long[] backoffsMillis = {1000, 2000, 4000};
    for (int i = 0; i < backoffsMillis.length; i++) {
      int attemptsSoFar = i + 1;
      clock.advance(Duration.ofMillis(backoffsMillis[i] - 1));
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(2))
          .until(() -> job.attempts.size() == attemptsSoFar);
      clock.advance(Duration.ofMillis(1));
      await().atMost(Duration.ofSeconds(5)).until(() -> job.attempts.size() == attemptsSoFar + 1);
    }
    broker.awaitIdle(Duration.ofSeconds(5));

    assertThat(job.attempts).containsExactly(1, 2, 3, 4);
    assertThat(job.calledAt)
        .containsExactly(sent, sent.plusSeconds(1), sent.plusSeconds(3), sent.plusSeconds(7));
    InMemoryMessage dead = broker.deadLettered("orders").get(0);
    assertThat(dead.headers())
        .containsEntry(StandardHeaders.ATTEMPTS, "4")
        .containsEntry(
            StandardHeaders.DEAD_LETTER_REASON,
            "attempts-exhausted (4 of 4): java.lang.IllegalStateException: database down");
  }

  @Test
  void handlerSendsFollowUpMessagesThroughItsContext() {
    dispatcher.start(
        JobConsumer.of(
            "orders",
            Order.class,
            (order, ctx) -> ctx.client().send("invoices", "invoice for " + order.id())));
    client.send("orders", new Order("o-5", 2, clock.instant()));

    broker.awaitIdle(Duration.ofSeconds(5));
    assertThat(broker.sentTo("invoices")).hasSize(1);
    assertThat(broker.sentTo("invoices").get(0).payload(String.class)).isEqualTo("invoice for o-5");
  }

  @Test
  void handlerErrorsDoNotKillTheWorkerThread() {
    AtomicInteger calls = new AtomicInteger();
    dispatcher.start(
        new JobConsumer<Order>("orders") {
          @Override
          protected void handle(Order payload, JobContext ctx) {
            if (calls.incrementAndGet() == 1) {
              throw new AssertionError("a bug in the handler");
            }
          }

          @Override
          public ConsumerOptions options() {
            return ConsumerOptions.builder().setConcurrency(1).build();
          }

          @Override
          public RetryPolicy retryPolicy() {
            return RetryPolicy.builder().setInitialBackoff(Duration.ZERO).build();
          }
        });
    client.send("orders", new Order("o-6", 1, clock.instant()));
    client.send("orders", new Order("o-7", 1, clock.instant()));

    broker.awaitIdle(Duration.ofSeconds(5));
    assertThat(calls.get()).isEqualTo(3);
    assertThat(broker.deadLettered("orders")).isEmpty();
  }

  @Test
  void closingLeavesNoRunningThreads() {
    for (String queue : List.of("a", "b", "c")) {
      dispatcher.start(JobConsumer.of(queue, Order.class, (o, ctx) -> {}));
      client.send(queue, new Order(queue, 1, clock.instant()));
    }
    broker.awaitIdle(Duration.ofSeconds(5));
    assertThat(dispatcher.isRunning()).isTrue();

    dispatcher.close();
    broker.close();

    assertThat(dispatcher.isRunning()).isFalse();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                Thread.getAllStackTraces().keySet().stream()
                    .filter(Thread::isAlive)
                    .noneMatch(t -> t.getName().startsWith("jc-")));
  }
}
