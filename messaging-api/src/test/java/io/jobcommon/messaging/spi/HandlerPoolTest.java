package io.jobcommon.messaging.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HandlerPoolTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<AbstractDeliveryTest.Recording> deliveries(int n) {
    List<AbstractDeliveryTest.Recording> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(
          new AbstractDeliveryTest.Recording(
              Integer.toString(i).getBytes(StandardCharsets.UTF_8), Map.of()));
    }
    return list;
  }

  @Test
  void runsAtMostConcurrencyHandlersAndQueuesTheRest() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger maxRunning = new AtomicInteger();
    AtomicInteger running = new AtomicInteger();
    HandlerPool pool =
        new HandlerPool(
            "q",
            2,
            d -> {
              maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
              awaitQuietly(release);
              running.decrementAndGet();
              d.ack();
            });
    List<AbstractDeliveryTest.Recording> all = deliveries(5);
    all.forEach(pool::submit);
    await().atMost(WAIT).until(() -> pool.running() == 2);
    assertThat(pool.queued()).isEqualTo(3);

    release.countDown();
    await().atMost(WAIT).until(() -> all.stream().allMatch(d -> d.calls.equals(List.of("ack"))));
    assertThat(maxRunning).hasValue(2);
    assertThat(pool.running()).isZero();
    assertThat(pool.shutdown(WAIT)).isEmpty();
  }

  @Test
  void shutdownWaitsForRunningHandlersAndHandsBackTheUnstartedInArrivalOrder() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    HandlerPool pool =
        new HandlerPool(
            "q",
            1,
            d -> {
              started.countDown();
              awaitQuietly(finish);
              d.ack();
            });
    List<AbstractDeliveryTest.Recording> all = deliveries(4);
    all.forEach(pool::submit);
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

    Thread finisher =
        new Thread(
            () -> {
              await().atMost(WAIT).until(pool::isShutdown);
              finish.countDown();
            });
    finisher.start();
    List<Delivery> unstarted = pool.shutdown(WAIT);
    assertThat(unstarted).containsExactly(all.get(1), all.get(2), all.get(3));
    assertThat(all.get(0).calls).as("the running handler finished").containsExactly("ack");
    assertThat(pool.running()).isZero();
    unstarted.forEach(d -> assertThat(((AbstractDeliveryTest.Recording) d).calls).isEmpty());
    finisher.join();
  }

  @Test
  void aDeliverySubmittedAfterShutdownIsReleased() {
    HandlerPool pool = new HandlerPool("q", 1, Delivery::ack);
    pool.shutdown(WAIT);
    AbstractDeliveryTest.Recording late = deliveries(1).get(0);
    pool.submit(late);
    assertThat(late.calls).containsExactly("release");
  }

  @Test
  void aThrowingHandlerReleasesItsMessageAndTheThreadCarriesOn() {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    HandlerPool pool =
        new HandlerPool(
            "q",
            1,
            d -> {
              threads.add(Thread.currentThread().getName());
              if (new String(d.body(), StandardCharsets.UTF_8).equals("0")) {
                throw new IllegalStateException("handler bug");
              }
              d.ack();
            });
    List<AbstractDeliveryTest.Recording> all = deliveries(3);
    all.forEach(pool::submit);
    await().atMost(WAIT).until(() -> all.stream().allMatch(d -> d.isSettled()));
    assertThat(all.get(0).calls).containsExactly("release");
    assertThat(all.get(1).calls).containsExactly("ack");
    assertThat(all.get(2).calls).containsExactly("ack");
    assertThat(threads).hasSize(1);
    pool.shutdown(WAIT);
  }

  @Test
  void aHandlerThatThrowsAfterSettlingKeepsItsSettlement() {
    HandlerPool pool =
        new HandlerPool(
            "q",
            1,
            d -> {
              d.deadLetter("bad");
              throw new IllegalStateException("after settling");
            });
    AbstractDeliveryTest.Recording d = deliveries(1).get(0);
    pool.submit(d);
    await().atMost(WAIT).until(() -> pool.running() == 0 && d.isSettled());
    pool.shutdown(WAIT);
    assertThat(d.calls).containsExactly("dead-letter bad");
  }

  @Test
  void aSeriousErrorReplacesTheThreadAndReleasesTheMessage() {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    HandlerPool pool =
        new HandlerPool(
            "q",
            1,
            d -> {
              threads.add(Thread.currentThread().getName());
              if (new String(d.body(), StandardCharsets.UTF_8).equals("0")) {
                throw new LinkageError("serious");
              }
              d.ack();
            });
    List<AbstractDeliveryTest.Recording> all = deliveries(2);
    all.forEach(pool::submit);
    await().atMost(WAIT).until(() -> all.stream().allMatch(d -> d.isSettled()));
    assertThat(all.get(0).calls).containsExactly("release");
    assertThat(all.get(1).calls).containsExactly("ack");
    assertThat(threads).as("the thread that met the error was replaced").hasSize(2);
    pool.shutdown(WAIT);
  }

  @Test
  void aHandlerStillRunningAfterTheTimeoutIsInterruptedAndItsMessageLeftUnsettled() {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    HandlerPool pool =
        new HandlerPool(
            "q",
            1,
            d -> {
              started.countDown();
              try {
                new CountDownLatch(1).await(30, TimeUnit.SECONDS);
                d.ack();
              } catch (InterruptedException e) {
                interrupted.countDown();
              }
            });
    AbstractDeliveryTest.Recording d = deliveries(1).get(0);
    pool.submit(d);
    await().atMost(WAIT).until(() -> started.getCount() == 0);
    pool.shutdown(Duration.ofMillis(200));
    assertThat(interrupted.getCount()).isZero();
    assertThat(d.isSettled()).as("the broker redelivers it").isFalse();
  }

  @Test
  void aConcurrencyBelowOneIsRefused() {
    assertThatThrownBy(() -> new HandlerPool("q", 0, Delivery::ack))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("concurrency must be at least 1, was 0");
  }
}
