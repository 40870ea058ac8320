package io.jobcommon.messaging.testing;

import static io.jobcommon.messaging.testing.SendConformance.TIMER_SLACK;
import static io.jobcommon.messaging.testing.TransportConformanceKit.WAIT;
import static io.jobcommon.messaging.testing.TransportConformanceKit.text;
import static io.jobcommon.messaging.testing.TransportConformanceKit.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.spi.DeadLetters;
import io.jobcommon.messaging.spi.Delivery;
import io.jobcommon.messaging.spi.StandardHeaders;
import io.jobcommon.messaging.spi.Subscription;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The kit's promises of the settling verbs. */
abstract class SettleConformance extends ConformanceGroup {
  SettleConformance(TransportConformanceKit kit) {
    super(kit);
  }

  /**
   * An acked message never comes back, even after its consumer closed: a message that was not
   * really acked would, on every broker (closing a RabbitMQ consumer requeues it, an SQS visibility
   * timeout or an in-memory lease runs out).
   */
  @Test
  void ackRemovesTheMessageForGood() throws Exception {
    String queue = newQueueName();
    send(queue, "once");
    List<CompletableFuture<Void>> acks = new CopyOnWriteArrayList<>();
    Recorder recorder = new Recorder(d -> acks.add(d.ack()));
    ConsumerOptions shortLease = options(1, 0).toBuilder().setLease(Duration.ofSeconds(1)).build();
    Subscription first = subscribe(queue, shortLease, recorder);
    assertThat(text(recorder.next(WAIT).delivery.body())).isEqualTo("once");
    await().atMost(WAIT).until(() -> acks.size() == 1);
    acks.get(0).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    first.close();

    Recorder next = Recorder.acking();
    subscribe(queue, shortLease, next);
    send(queue, "marker");
    assertThat(text(next.next(WAIT).delivery.body())).isEqualTo("marker");
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> next.count() == 1);
    assertThat(recorder.count()).isEqualTo(1);
  }

  @Test
  void secondSettleIsIgnored() throws Exception {
    String queue = newQueueName();
    send(queue, "settle-twice");
    Recorder recorder =
        new Recorder(
            d -> {
              d.ack().join();
              assertThat(d.retryLater(Duration.ZERO)).isCompleted();
              assertThat(d.deadLetter("must be ignored")).isCompleted();
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
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> recorder.count() == 2);
  }

  @Test
  void deadLetterMovesBodyHeadersAndReasonToTheDeadLetterQueue() throws Exception {
    String queue = newQueueName();
    byte[] body = utf8("{\"poison\":true}");
    String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    Map<String, String> headers = Map.of("tenant", "acme", "traceparent", traceparent);
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
        .until(() -> recorder.count() == 1 && dlq.count() == 1);
  }
}
