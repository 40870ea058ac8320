package io.jobcommon.messaging.testing;

import static io.jobcommon.messaging.testing.TransportConformanceKit.WAIT;
import static io.jobcommon.messaging.testing.TransportConformanceKit.text;
import static io.jobcommon.messaging.testing.TransportConformanceKit.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jobcommon.messaging.BatchSendException;
import io.jobcommon.messaging.MessageTooLargeException;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.Delivery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The kit's promises of {@code send} and {@code sendBatch}. */
abstract class SendConformance extends ConformanceGroup {
  /** Slack for timer granularity when checking that something came no earlier than asked. */
  static final Duration TIMER_SLACK = Duration.ofMillis(20);

  SendConformance(TransportConformanceKit kit) {
    super(kit);
  }

  @Test
  void bodiesAndHeadersRoundTripIntact() throws Exception {
    String queue = newQueueName();
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
    List<byte[]> bodies =
        List.of(utf8("{\"name\":\"héllo wörld ✓ 日本語 🚀\"}"), new byte[0], large, binary);
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
              .setBody(utf8(Integer.toString(i)))
              .setHeader("n", Integer.toString(i))
              .build());
    }
    List<String> ids = transport().sendBatch(batch).join();
    assertThat(ids).hasSize(25).doesNotHaveDuplicates();

    Recorder recorder = Recorder.acking();
    subscribe(queue, options(4, 8), recorder);
    Map<String, Delivery> byId = new HashMap<>();
    for (int i = 0; i < 25; i++) {
      Delivery d = recorder.next(WAIT).delivery;
      byId.put(d.messageId(), d);
    }
    assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    for (int i = 0; i < 25; i++) {
      String id = ids.get(i);
      Delivery d = Objects.requireNonNull(byId.get(id), () -> "no delivery of " + id);
      assertThat(text(d.body())).isEqualTo(Integer.toString(i));
      assertThat(d.headers()).containsEntry("n", Integer.toString(i));
    }
  }

  @Test
  void delayedSendArrivesNoEarlierThanItsDelay() throws Exception {
    String queue = newQueueName();
    Duration delay = Duration.ofSeconds(2);
    Recorder recorder = Recorder.acking();
    subscribe(queue, options(2, 2), recorder);

    long start = System.nanoTime();
    transport()
        .send(OutgoingMessage.builder(queue).setBody(utf8("late")).setDelay(delay).build())
        .join();
    send(queue, "now");

    assertThat(text(recorder.next(WAIT).delivery.body())).isEqualTo("now");
    Recorder.Received late = recorder.next(WAIT);
    assertThat(text(late.delivery.body())).isEqualTo("late");
    assertThat(Duration.ofNanos(late.nanoTime - start)).isGreaterThan(delay.minus(TIMER_SLACK));
  }

  @Test
  void aBodyOverTheLimitFailsTheSendAndNothingArrives() throws Exception {
    int max = kit.assumeMaxBodySize();
    String queue = newQueueName();
    CompletableFuture<String> tooLarge = sendSafely(queue, new byte[max + 1]);
    assertThatThrownBy(tooLarge::join)
        .hasCauseInstanceOf(MessageTooLargeException.class)
        .hasMessageContaining(queue);

    Recorder recorder = Recorder.acking();
    subscribe(queue, options(1, 0), recorder);
    send(queue, "marker");
    assertThat(text(recorder.next(WAIT).delivery.body())).isEqualTo("marker");
    holdsFor(Duration.ofSeconds(2), () -> recorder.count() == 1);
  }

  @Test
  void aPartlyFailedBatchAccountsForEveryEntryAndSendsTheRest() throws Exception {
    int max = kit.assumeMaxBodySize();
    String queue = newQueueName();
    List<OutgoingMessage> batch =
        List.of(
            OutgoingMessage.builder(queue).setBody(utf8("first")).build(),
            OutgoingMessage.builder(queue).setBody(new byte[max + 1]).build(),
            OutgoingMessage.builder(queue).setBody(utf8("third")).build());
    Throwable failure = catchCause(transport().sendBatch(batch));
    assertThat(failure).isInstanceOf(BatchSendException.class);
    BatchSendException e = (BatchSendException) failure;
    assertThat(e.size()).isEqualTo(3);
    assertThat(e.failures().keySet()).containsExactly(1);
    assertThat(e.failures().get(1)).isInstanceOf(MessageTooLargeException.class);
    assertThat(e.sentIds().keySet()).containsExactly(0, 2);

    Recorder recorder = Recorder.acking();
    subscribe(queue, options(2, 2), recorder);
    Map<String, String> bodyById = new LinkedHashMap<>();
    for (int i = 0; i < 2; i++) {
      Delivery d = recorder.next(WAIT).delivery;
      bodyById.put(d.messageId(), text(d.body()));
    }
    assertThat(bodyById)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(e.sentIds().get(0), "first", e.sentIds().get(2), "third"));
    holdsFor(Duration.ofSeconds(2), () -> recorder.count() == 2);
  }

  @Test
  void messagesOfOneFifoGroupAreHandledOneAtATimeInSendOrder() throws Exception {
    kit.assumeFifoGroups();
    String queue = kit.newFifoQueueName();
    int perGroup = 6;
    for (int i = 0; i < perGroup; i++) {
      for (String group : List.of("a", "b")) {
        transport()
            .send(OutgoingMessage.builder(queue).setBody(utf8(group + i)).setGroupId(group).build())
            .join();
      }
    }
    Map<String, List<String>> order = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    AtomicInteger overlaps = new AtomicInteger();
    CountDownLatch groupBDone = new CountDownLatch(perGroup);
    Recorder recorder =
        new Recorder(
            d -> {
              String body = text(d.body());
              String group = body.substring(0, 1);
              AtomicInteger inGroup = running.computeIfAbsent(group, g -> new AtomicInteger());
              if (inGroup.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
              }
              order.computeIfAbsent(group, g -> new CopyOnWriteArrayList<>()).add(body);
              if (body.equals("a0")) {
                // Hold a0 while group b runs: a transport that ignored groups would start a1 now.
                groupBDone.await(10, TimeUnit.SECONDS);
              }
              inGroup.decrementAndGet();
              d.ack().join();
              if (group.equals("b")) {
                groupBDone.countDown();
              }
            });
    subscribe(queue, options(4, 4), recorder);
    await().atMost(WAIT).until(() -> recorder.count() == 2 * perGroup);
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    for (int i = 0; i < perGroup; i++) {
      a.add("a" + i);
      b.add("b" + i);
    }
    assertThat(order).containsOnlyKeys("a", "b");
    assertThat(order.get("a")).containsExactlyElementsOf(a);
    assertThat(order.get("b")).containsExactlyElementsOf(b);
    assertThat(overlaps.get()).as("handlers of one group running at once").isZero();
  }

  private CompletableFuture<String> sendSafely(String queue, byte[] body) {
    try {
      return transport().send(OutgoingMessage.builder(queue).setBody(body).build());
    } catch (RuntimeException e) {
      throw new AssertionError("send must fail its future, not throw", e);
    }
  }

  private static Throwable catchCause(CompletableFuture<?> f) {
    try {
      f.join();
    } catch (java.util.concurrent.CompletionException e) {
      return Objects.requireNonNull(e.getCause(), "a CompletionException without its cause");
    }
    throw new AssertionError("the batch send succeeded although one entry is over the limit");
  }
}
