package io.jobcommon.messaging.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Consuming when every SQS call takes a round trip ({@link DelayingClient}): receives overlap as
 * far as the consumer's capacity allows and never beyond it, acks of concurrent handlers share
 * DeleteMessageBatch calls that do not wait for each other.
 */
@SuppressWarnings("try") // the subscriptions are only held open
class SqsConcurrencyIT {
  @RegisterExtension static final ElasticMq sqs = new ElasticMq();

  private static final Duration ROUND_TRIP = Duration.ofMillis(200);
  private static SqsAsyncClient real;

  @BeforeAll
  static void clients() {
    real = sqs.client();
  }

  @AfterAll
  static void closeClients() {
    real.close();
  }

  private static ConsumerOptions options(int concurrency, int prefetch) {
    return ConsumerOptions.builder()
        .setConcurrency(concurrency)
        .setPrefetch(prefetch)
        .setShutdownTimeout(Duration.ofSeconds(5))
        .build();
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String sendAll(SqsTransport t, int count) {
    String queue = "concurrency-" + UUID.randomUUID().toString().substring(0, 8);
    List<OutgoingMessage> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      batch.add(
          OutgoingMessage.builder(queue)
              .setBody(("m" + i).getBytes(StandardCharsets.UTF_8))
              .build());
      if (batch.size() == 10) {
        t.sendBatch(batch).join();
        batch.clear();
      }
    }
    return queue;
  }

  @Test
  void receivesOverlapWhenTheCapacityIsOverTen() throws Exception {
    DelayingClient slow = DelayingClient.wrap(real, ROUND_TRIP);
    ConsumerOptions options = options(30, 10); // room for 40: four receives of 10
    try (SqsTransport t =
        SqsTransport.builder().setClient(slow.client()).setAutoCreateQueues(true).build()) {
      String queue = sendAll(t, 100);
      Set<String> handled = ConcurrentHashMap.newKeySet();
      try (Subscription s =
          t.subscribe(
              queue,
              options,
              d -> {
                handled.add(d.messageId());
                d.ack();
              })) {
        await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() == 100);
      }
      assertThat(SqsSubscription.pollers(options)).isEqualTo(4);
      assertThat(slow.mostInFlight("receiveMessage")).isEqualTo(4);
    }
  }

  @Test
  void overlappingReceivesNeverHoldMoreThanTheCapacity() throws Exception {
    DelayingClient slow = DelayingClient.wrap(real, ROUND_TRIP);
    ConsumerOptions options = options(15, 5); // room for 20: two receives
    CountDownLatch go = new CountDownLatch(1);
    try (SqsTransport t =
        SqsTransport.builder().setClient(slow.client()).setAutoCreateQueues(true).build()) {
      String queue = sendAll(t, 60);
      Set<String> handled = ConcurrentHashMap.newKeySet();
      try (Subscription s =
          t.subscribe(
              queue,
              options,
              d -> {
                awaitLatch(go); // nothing settles until all room is taken
                handled.add(d.messageId());
                d.ack();
              })) {
        await().atMost(Duration.ofSeconds(30)).until(() -> slow.received() == 20);
        assertThat(slow.mostHeld()).isEqualTo(20);
        go.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() == 60);
      }
      assertThat(slow.mostInFlight("receiveMessage")).isEqualTo(2);
    }
  }

  @Test
  void acksOfConcurrentHandlersShareDeleteCallsThatOverlap() throws Exception {
    DelayingClient slow = DelayingClient.wrap(real, ROUND_TRIP);
    CountDownLatch allRunning = new CountDownLatch(20);
    Set<String> acked = ConcurrentHashMap.newKeySet();
    try (SqsTransport t =
        SqsTransport.builder().setClient(slow.client()).setAutoCreateQueues(true).build()) {
      String queue = sendAll(t, 20);
      try (Subscription s =
          t.subscribe(
              queue,
              options(20, 0),
              d -> {
                allRunning.countDown();
                awaitLatch(allRunning);
                d.ack().thenRun(() -> acked.add(d.messageId()));
              })) {
        await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() == 20);
      }
      // 20 acks at once: two full batches, sent together rather than one after the other.
      assertThat(slow.mostInFlight("deleteMessageBatch")).isEqualTo(2);
      assertThat(slow.mostInFlight("deleteMessage")).isZero();
    }
  }

  @Test
  void sendsDoNotWaitForEachOther() {
    DelayingClient slow = DelayingClient.wrap(real, ROUND_TRIP);
    try (SqsTransport t =
        SqsTransport.builder().setClient(slow.client()).setAutoCreateQueues(true).build()) {
      String queue = "concurrency-" + UUID.randomUUID().toString().substring(0, 8);
      List<CompletableFuture<String>> sends = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        sends.add(
            t.send(
                OutgoingMessage.builder(queue)
                    .setBody(("m" + i).getBytes(StandardCharsets.UTF_8))
                    .build()));
      }
      sends.forEach(CompletableFuture::join);
      // Pipelined: the sends share the queue's one lookup and then go out together.
      assertThat(slow.mostInFlight("sendMessage")).isGreaterThan(1);
      assertThat(slow.mostInFlight("getQueueUrl")).isEqualTo(1);
    }
  }
}
