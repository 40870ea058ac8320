package io.jobcommon.messaging.testing;

import static io.jobcommon.messaging.testing.TransportConformanceKit.WAIT;
import static io.jobcommon.messaging.testing.TransportConformanceKit.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jobcommon.messaging.ClientClosedException;
import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The kit's promises of subscriptions and transports over their life. */
abstract class LifecycleConformance extends ConformanceGroup {
  LifecycleConformance(TransportConformanceKit kit) {
    super(kit);
  }

  private List<String> sendMany(String queue, int total) {
    List<String> ids = new ArrayList<>();
    for (int from = 0; from < total; from += 100) {
      List<OutgoingMessage> batch = new ArrayList<>();
      for (int i = from; i < Math.min(total, from + 100); i++) {
        batch.add(OutgoingMessage.builder(queue).setBody(utf8("m" + i)).build());
      }
      ids.addAll(transport().sendBatch(batch).join());
    }
    return ids;
  }

  @Test
  void concurrencyAndPrefetchBoundsAreNeverExceeded() throws Exception {
    String queue = newQueueName();
    int concurrency = 2;
    int prefetch = 3;
    int total = 20;
    sendMany(queue, total);
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
    assertThat(total - other.count()).isLessThanOrEqualTo(concurrency + prefetch);
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
    Subscription first = transport().subscribe(queue, options, recorder);
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> closing = CompletableFuture.runAsync(first::close);
    holdsFor(Duration.ofMillis(500), () -> !closing.isDone());
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
    holdsFor(Duration.ofSeconds(1), () -> next.count() == 4);
  }

  @Test
  void aThousandMessagesThroughEightHandlersAreEachHandledExactlyOnce() throws Exception {
    String queue = newQueueName();
    int total = 1000;
    int concurrency = 8;
    Set<String> sentIds = new HashSet<>(sendMany(queue, total));
    assertThat(sentIds).hasSize(total);

    Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    // The first eight handlers wait for one another, so all eight must have run at once.
    CountDownLatch allRunning = new CountDownLatch(concurrency);
    Recorder recorder =
        new Recorder(
            d -> {
              maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
              allRunning.countDown();
              allRunning.await(30, TimeUnit.SECONDS);
              handled.computeIfAbsent(d.messageId(), k -> new AtomicInteger()).incrementAndGet();
              running.decrementAndGet();
              d.ack();
            });
    subscribe(queue, options(concurrency, 16), recorder);
    await().atMost(Duration.ofSeconds(90)).until(() -> handled.size() == total);
    holdsFor(Duration.ofSeconds(2), () -> recorder.count() == total);
    assertThat(handled.keySet()).isEqualTo(sentIds);
    assertThat(handled.values()).allMatch(n -> n.get() == 1);
    assertThat(allRunning.getCount()).isZero();
    assertThat(maxRunning.get()).isEqualTo(concurrency);
  }

  @Test
  void sendingOnAClosedTransportFailsClearly() {
    String queue = newQueueName();
    transport().close();
    CompletableFuture<String> f =
        transport().send(OutgoingMessage.builder(queue).setBody(new byte[] {'x'}).build());
    assertThatThrownBy(f::join).hasCauseInstanceOf(ClientClosedException.class);
    List<OutgoingMessage> batch =
        List.of(OutgoingMessage.builder(queue).setBody(utf8("y")).build());
    assertThatThrownBy(() -> transport().sendBatch(batch).join())
        .hasRootCauseInstanceOf(ClientClosedException.class);
  }

  @Test
  void subscribingOnAClosedTransportFailsClearly() {
    String queue = newQueueName();
    transport().close();
    assertThatThrownBy(() -> transport().subscribe(queue, options(1, 0), Recorder.acking()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(queue);
  }

  @Test
  void aSubscriptionIsRunningUntilItOrItsTransportCloses() throws Exception {
    String queue = newQueueName();
    Recorder recorder = Recorder.acking();
    Subscription closedItself = subscribe(queue, options(1, 0), recorder);
    Subscription closedByTransport = subscribe(queue, options(1, 0), Recorder.acking());
    assertThat(closedItself.queue()).isEqualTo(queue);
    await().atMost(WAIT).until(() -> closedItself.isRunning() && closedByTransport.isRunning());
    closedItself.close();
    assertThat(closedItself.isRunning()).isFalse();
    assertThat(closedByTransport.isRunning()).isTrue();
    closedItself.close(); // idempotent

    transport().close();
    assertThat(closedByTransport.isRunning()).isFalse();
    assertThat(closedItself.isRunning()).isFalse();
    transport().close(); // idempotent
  }
}
