package io.jobcommon.messaging.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.DestinationNotFoundException;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.DeadLetters;
import io.jobcommon.messaging.spi.Delivery;
import io.jobcommon.messaging.spi.DeliveryHandler;
import io.jobcommon.messaging.spi.StandardHeaders;
import io.jobcommon.messaging.spi.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** What SqsTransport does on the receive side, against an embedded ElasticMQ. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SqsConsumeIT {
  @RegisterExtension static final ElasticMq sqs = new ElasticMq();

  private static final CallCounter calls = new CallCounter();
  private static SqsAsyncClient client;
  private static SqsAsyncClient raw;
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private SqsTransport transport;

  @BeforeAll
  static void clients() {
    client = sqs.client(calls);
    raw = sqs.client();
  }

  @AfterAll
  static void closeClients() {
    client.close();
    raw.close();
  }

  @BeforeEach
  void start() {
    transport = SqsTransport.builder().setClient(client).setAutoCreateQueues(true).build();
    calls.reset(); // after the warm-up's call
  }

  @AfterEach
  void stop() throws Exception {
    Collections.reverse(cleanup);
    for (AutoCloseable c : cleanup) {
      c.close();
    }
    transport.close();
  }

  private static String newQueue() {
    return "consume-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static ConsumerOptions options(int concurrency, int prefetch, Duration lease) {
    return ConsumerOptions.builder()
        .setConcurrency(concurrency)
        .setPrefetch(prefetch)
        .setLease(lease)
        .setShutdownTimeout(Duration.ofSeconds(5))
        .build();
  }

  private Subscription subscribe(
      SqsTransport t, String queue, ConsumerOptions options, DeliveryHandler handler) {
    Subscription s = t.subscribe(queue, options, handler);
    cleanup.add(s);
    return s;
  }

  private void send(String queue, String body) {
    transport
        .send(OutgoingMessage.builder(queue).setBody(body.getBytes(StandardCharsets.UTF_8)).build())
        .join();
  }

  private static String url(String queue) {
    return raw.getQueueUrl(b -> b.queueName(queue)).join().queueUrl();
  }

  private static int count(String queue, QueueAttributeName attribute) {
    return Integer.parseInt(
        raw.getQueueAttributes(b -> b.queueUrl(url(queue)).attributeNames(attribute))
            .join()
            .attributesAsStrings()
            .get(attribute.toString()));
  }

  /** Receives with visibility 0: looks at what another consumer could get, taking nothing. */
  private static List<Message> peek(String queue) {
    return raw.receiveMessage(
            b ->
                b.queueUrl(url(queue))
                    .maxNumberOfMessages(10)
                    .visibilityTimeout(0)
                    .messageAttributeNames("All"))
        .join()
        .messages();
  }

  @Test
  void theHeartbeatKeepsAMessageInvisibleThroughAHandlerLongerThanItsLease() throws Exception {
    String queue = newQueue();
    send(queue, "long job");
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    AtomicInteger receipts = new AtomicInteger();
    subscribe(
        transport,
        queue,
        options(1, 0, Duration.ofSeconds(3)),
        d -> {
          receipts.incrementAndGet();
          started.countDown();
          try {
            if (finish.await(30, TimeUnit.SECONDS)) {
              d.ack();
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

    // A 10 s handler with a 3 s lease: another consumer never sees the message meanwhile.
    await()
        .during(Duration.ofSeconds(10))
        .atMost(Duration.ofSeconds(12))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> peek(queue).isEmpty());
    assertThat(receipts.get()).isEqualTo(1);
    assertThat(calls.count(ChangeMessageVisibilityBatchRequest.class)).isGreaterThanOrEqualTo(3);

    finish.countDown();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                count(queue, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES) == 0
                    && count(queue, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)
                        == 0);
    // Settled: the heartbeat stopped, nothing comes back after the lease.
    int beats = calls.count(ChangeMessageVisibilityBatchRequest.class);
    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(6))
        .until(() -> receipts.get() == 1);
    assertThat(calls.count(ChangeMessageVisibilityBatchRequest.class)).isEqualTo(beats);
  }

  @Test
  void fifoOrderHoldsPerGroupWithFourConcurrentHandlers() throws Exception {
    String queue = newQueue() + ".fifo";
    int groups = 5;
    int perGroup = 8;
    List<OutgoingMessage> batch = new ArrayList<>();
    for (int seq = 0; seq < perGroup; seq++) {
      for (int g = 0; g < groups; g++) {
        batch.add(
            OutgoingMessage.builder(queue)
                .setBody(("g" + g + ":" + seq).getBytes(StandardCharsets.UTF_8))
                .setGroupId("g" + g)
                .build());
      }
    }
    transport.sendBatch(batch).join();

    Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
    Set<String> active = ConcurrentHashMap.newKeySet();
    AtomicBoolean overlap = new AtomicBoolean();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    CountDownLatch firstWave = new CountDownLatch(4);
    subscribe(
        transport,
        queue,
        options(4, 36, Duration.ofSeconds(30)),
        d -> {
          String[] parts = new String(d.body(), StandardCharsets.UTF_8).split(":");
          String group = parts[0];
          int seq = Integer.parseInt(parts[1]);
          if (!active.add(group)) {
            overlap.set(true);
          }
          maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
          try {
            seen.computeIfAbsent(group, k -> Collections.synchronizedList(new ArrayList<>()))
                .add(seq);
            if (seq == 0) { // the heads of four groups run at the same time
              firstWave.countDown();
              firstWave.await(20, TimeUnit.SECONDS);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            running.decrementAndGet();
            active.remove(group);
          }
          d.ack();
          done.incrementAndGet();
        });

    await().atMost(Duration.ofSeconds(60)).until(() -> done.get() == groups * perGroup);
    assertThat(maxRunning.get()).isEqualTo(4);
    assertThat(overlap.get()).as("two messages of one group ran at once").isFalse();
    assertThat(seen).hasSize(groups);
    List<Integer> inOrder = new ArrayList<>();
    for (int i = 0; i < perGroup; i++) {
      inOrder.add(i);
    }
    seen.forEach((g, seqs) -> assertThat(seqs).as("group %s", g).isEqualTo(inOrder));
  }

  @Test
  void closeMakesPrefetchedMessagesReceivableByAnotherConsumerWithinASecond() throws Exception {
    String queue = newQueue();
    for (int i = 0; i < 6; i++) {
      send(queue, "m" + i);
    }
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    // A long lease: only a release can make them come back quickly.
    Subscription s =
        subscribe(
            transport,
            queue,
            options(1, 5, Duration.ofSeconds(60)),
            d -> {
              started.countDown();
              try {
                if (finish.await(30, TimeUnit.SECONDS)) {
                  d.ack();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> count(queue, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE) == 6);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(s::close);
    // Close is under way (it waits for the running handler) before that handler may finish.
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> !closing.isDone());
    finish.countDown();
    closing.get(20, TimeUnit.SECONDS);
    long closedAt = System.nanoTime();

    List<String> bodies = new ArrayList<>();
    while (bodies.size() < 5 && System.nanoTime() - closedAt < TimeUnit.SECONDS.toNanos(1)) {
      // Short polls: a long poll may only wake for new messages, not for ones made visible.
      raw.receiveMessage(b -> b.queueUrl(url(queue)).maxNumberOfMessages(10).waitTimeSeconds(0))
          .join()
          .messages()
          .forEach(m -> bodies.add(m.body()));
    }
    assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(Duration.ofSeconds(1));
    assertThat(bodies).hasSize(5).doesNotContain("m0");
  }

  @Test
  void aMessageNoWorkerEverSettlesEndsUpInTheDeadLetterQueueThroughTheRedrivePolicy()
      throws Exception {
    SqsTransport t =
        SqsTransport.builder()
            .setClient(client)
            .setAutoCreateQueues(true)
            .setDeadLetterMaxReceiveCount(2)
            .build();
    cleanup.add(t);
    String queue = newQueue();
    t.send(
            OutgoingMessage.builder(queue)
                .setBody("doomed".getBytes(StandardCharsets.UTF_8))
                .build())
        .join();

    // Two workers take it and die mid-handler: never settled, their subscriptions abandoned.
    for (int i = 0; i < 2; i++) {
      CountDownLatch got = new CountDownLatch(1);
      Subscription s =
          t.subscribe(
              queue,
              options(1, 0, Duration.ofSeconds(1)).toBuilder()
                  .setShutdownTimeout(Duration.ZERO)
                  .build(),
              d -> got.countDown());
      assertThat(got.await(15, TimeUnit.SECONDS)).isTrue();
      s.close();
    }

    // The next receive finds the receive count used up and SQS moves it to <queue>-dlq.
    String dlq = DeadLetters.queueName(queue);
    List<String> dead = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              assertThat(peek(queue)).isEmpty();
              peek(dlq).forEach(m -> dead.add(m.body()));
              return !dead.isEmpty();
            });
    assertThat(dead).containsExactly("doomed");
  }

  @Test
  void deadLetterHeadersArePackedWhenTheAttributeBudgetIsFull() throws Exception {
    String queue = newQueue();
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 0; i < 10; i++) {
      headers.put("h" + i, "v" + i);
    }
    headers.put("AWSTraceHeader", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1");
    transport
        .send(
            OutgoingMessage.builder(queue)
                .setBody("{}".getBytes(StandardCharsets.UTF_8))
                .setHeaders(headers)
                .build())
        .join();
    BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
    subscribe(
        transport,
        queue,
        options(1, 0, Duration.ofSeconds(30)),
        d -> {
          received.add(d);
          d.deadLetter("boom: broken");
        });
    Delivery original = received.poll(15, TimeUnit.SECONDS);
    assertThat(original.headers()).isEqualTo(headers);

    String dlq = DeadLetters.queueName(queue);
    List<Message> onWire = new ArrayList<>();
    await().atMost(Duration.ofSeconds(10)).until(() -> onWire.addAll(peek(dlq)));
    assertThat(onWire.get(0).messageAttributes())
        .hasSizeLessThanOrEqualTo(10)
        .containsKey(WireFormat.PACKED);

    BlockingQueue<Delivery> dead = new LinkedBlockingQueue<>();
    subscribe(transport, dlq, options(1, 0, Duration.ofSeconds(30)), dead::add);
    Delivery d = dead.poll(15, TimeUnit.SECONDS);
    assertThat(d.headers())
        .containsAllEntriesOf(headers)
        .containsEntry(StandardHeaders.DEAD_LETTER_REASON, "boom: broken")
        .containsEntry(StandardHeaders.ORIGINAL_QUEUE, queue)
        .containsEntry(StandardHeaders.ATTEMPTS, "1")
        .containsKey(StandardHeaders.FAILED_AT)
        .doesNotContainKey(WireFormat.PACKED);
    assertThat(d.headers()).hasSize(headers.size() + 4);
    d.ack();
  }

  @Test
  void acksAreBatchedIntoDeleteMessageBatchCalls() {
    String queue = newQueue();
    List<OutgoingMessage> batch = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      batch.add(
          OutgoingMessage.builder(queue)
              .setBody(("m" + i).getBytes(StandardCharsets.UTF_8))
              .build());
    }
    transport.sendBatch(batch).join();
    AtomicInteger acked = new AtomicInteger();
    subscribe(
        transport,
        queue,
        options(10, 10, Duration.ofSeconds(30)),
        d -> d.ack().thenRun(acked::incrementAndGet));
    await().atMost(Duration.ofSeconds(20)).until(() -> acked.get() == 20);
    assertThat(calls.count(DeleteMessageRequest.class)).isZero();
    assertThat(calls.count(DeleteMessageBatchRequest.class)).isBetween(2, 10);
    assertThat(count(queue, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
        .isZero();
  }

  @Test
  void receiveErrorsBackOffAndRecoverByThemselves() {
    SqsTransport strict = SqsTransport.builder().setClient(client).build();
    cleanup.add(strict);
    String queue = newQueue();
    // A queue missing at start is a start-up error; one deleted while consumed is waited for.
    assertThatThrownBy(
            () -> strict.subscribe(queue, options(1, 0, Duration.ofSeconds(30)), d -> {}))
        .isInstanceOf(DestinationNotFoundException.class)
        .hasMessageContaining(queue);
    raw.createQueue(b -> b.queueName(queue)).join();
    // The transport learns the queue's URL, then the queue goes: receiving fails until it is back.
    strict.send(OutgoingMessage.builder(queue).setBody(new byte[] {'1'}).build()).join();
    raw.deleteQueue(b -> b.queueUrl(url(queue))).join();
    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    Subscription s =
        subscribe(
            strict,
            queue,
            options(1, 0, Duration.ofSeconds(30)),
            d -> {
              got.add(d);
              d.ack();
            });
    await().atMost(Duration.ofSeconds(5)).until(() -> !s.isRunning());
    assertThat(strict.isHealthy()).isFalse();

    raw.createQueue(b -> b.queueName(queue)).join();
    raw.sendMessage(b -> b.queueUrl(url(queue)).messageBody("hello")).join();
    await().atMost(Duration.ofSeconds(20)).until(() -> !got.isEmpty());
    assertThat(new String(got.peek().body(), StandardCharsets.UTF_8)).isEqualTo("hello");
    assertThat(s.isRunning()).isTrue();
    assertThat(strict.isHealthy()).isTrue();
  }
}
