package io.jobcommon.messaging.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobcommon.messaging.MessagingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AbstractDeliveryTest {

  /** Records each broker call; its calls fail with {@code failure} when set. */
  static class Recording extends AbstractDelivery {
    final List<String> calls = new ArrayList<>();
    final AtomicInteger settledHooks = new AtomicInteger();
    RuntimeException failure;
    RuntimeException hookFailure;

    Recording(byte[] body, Map<String, String> headers) {
      super("q", "id-1", body, headers, 2, Instant.EPOCH);
    }

    Recording() {
      this("hi".getBytes(StandardCharsets.UTF_8), Map.of("k", "v"));
    }

    private synchronized CompletableFuture<Void> call(String what) {
      calls.add(what);
      return failure == null
          ? CompletableFuture.completedFuture(null)
          : CompletableFuture.failedFuture(failure);
    }

    @Override
    protected void onSettled() {
      settledHooks.incrementAndGet();
      if (hookFailure != null) {
        throw hookFailure;
      }
    }

    @Override
    protected CompletableFuture<Void> doAck() {
      return call("ack");
    }

    @Override
    protected CompletableFuture<Void> doRetryLater(Duration delay) {
      return call("retry " + delay);
    }

    @Override
    protected CompletableFuture<Void> doDeadLetter(String reason) {
      return call("dead-letter " + reason);
    }

    @Override
    protected CompletableFuture<Void> doRelease() {
      return call("release");
    }

    @Override
    protected CompletableFuture<Void> doExtendLease(Duration duration) {
      return call("extend " + duration);
    }
  }

  @Test
  void theFirstSettleWinsAndTheOthersReturnACompletedFutureWithoutABrokerCall() {
    Recording d = new Recording();
    assertThat(d.isSettled()).isFalse();
    assertThat(d.retryLater(Duration.ofSeconds(3))).isCompleted();
    assertThat(d.ack()).isCompleted();
    assertThat(d.deadLetter("late")).isCompleted();
    assertThat(d.release()).isCompleted();
    assertThat(d.isSettled()).isTrue();
    assertThat(d.calls).containsExactly("retry PT3S");
    assertThat(d.settledHooks).hasValue(1);
  }

  @Test
  void concurrentSettlesMakeExactlyOneBrokerCall() throws Exception {
    Recording d = new Recording();
    int threads = 8;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int n = i;
        all.add(
            CompletableFuture.runAsync(
                () -> {
                  try {
                    start.await(10, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                  if (n % 2 == 0) {
                    d.ack();
                  } else {
                    d.release();
                  }
                },
                pool));
      }
      CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    assertThat(d.calls).hasSize(1);
    assertThat(d.settledHooks).hasValue(1);
  }

  @Test
  void extendLeaseReachesTheBrokerUntilSettledAndIsIgnoredAfter() {
    Recording d = new Recording();
    assertThat(d.extendLease(Duration.ofSeconds(5))).isCompleted();
    assertThat(d.isSettled()).as("extending is not settling").isFalse();
    d.ack();
    CompletableFuture<Void> after = d.extendLease(Duration.ofSeconds(7));
    assertThat(after).isCompleted();
    assertThat(after.isCompletedExceptionally()).isFalse();
    assertThat(d.calls).containsExactly("extend PT5S", "ack");
  }

  @Test
  void aNegativeRetryDelayBecomesZeroAndALongReasonIsTruncated() {
    Recording retried = new Recording();
    retried.retryLater(Duration.ofSeconds(-5));
    assertThat(retried.calls).containsExactly("retry PT0S");

    Recording dead = new Recording();
    String reason = "x".repeat(10_000);
    dead.deadLetter(reason);
    assertThat(dead.calls).containsExactly("dead-letter " + DeadLetters.truncate(reason));
    assertThat(dead.calls.get(0).length()).isLessThan(reason.length());
  }

  @Test
  void missingArgumentsAreRefusedBeforeSettling() {
    Recording d = new Recording();
    assertThatThrownBy(() -> d.retryLater(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> d.deadLetter(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> d.extendLease(null)).isInstanceOf(NullPointerException.class);
    assertThat(d.isSettled()).isFalse();
    assertThat(d.calls).isEmpty();
  }

  @Test
  void aBrokerRefusalFailsTheFutureAndStillCountsAsSettled() {
    Recording d = new Recording();
    d.failure = new MessagingException("broker says no");
    CompletableFuture<Void> ack = d.ack();
    assertThat(ack).isCompletedExceptionally();
    assertThatThrownBy(ack::join).hasRootCauseMessage("broker says no");
    assertThat(d.isSettled()).isTrue();
    assertThat(d.release()).isCompleted();
    assertThat(d.calls).containsExactly("ack");
  }

  @Test
  void aThrowingBrokerCallOrHookBecomesAFailedFutureNotAnException() {
    Recording throwing =
        new Recording() {
          @Override
          protected CompletableFuture<Void> doAck() {
            throw new IllegalStateException("channel closed");
          }
        };
    CompletableFuture<Void> ack = throwing.ack();
    assertThatThrownBy(ack::join).hasRootCauseMessage("channel closed");

    Recording badHook = new Recording();
    badHook.hookFailure = new IllegalStateException("bookkeeping");
    assertThat(badHook.ack()).isCompleted();
    assertThat(badHook.calls).as("the settle still reaches the broker").containsExactly("ack");
  }

  @Test
  void valuesAreKeptAndTheBodyAndHeadersCannotBeChangedFromOutside() {
    byte[] body = "body".getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new HashMap<>(Map.of("k", "v"));
    Recording d = new Recording(body, headers);
    headers.put("k", "changed");
    d.body()[0] = 'X';
    assertThat(d.body()).isEqualTo("body".getBytes(StandardCharsets.UTF_8));
    assertThat(d.bodySize()).isEqualTo(4);
    assertThat(d.headers()).containsExactly(Map.entry("k", "v"));
    assertThatThrownBy(() -> d.headers().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(d.queue()).isEqualTo("q");
    assertThat(d.messageId()).isEqualTo("id-1");
    assertThat(d.attempt()).isEqualTo(2);
    assertThat(d.receivedAt()).isEqualTo(Instant.EPOCH);
    assertThat(d.sentAt()).isEmpty();
  }

  @Test
  void onSettledRunsBeforeTheBrokerCall() {
    List<String> order = new ArrayList<>();
    Recording d =
        new Recording() {
          @Override
          protected void onSettled() {
            order.add("hook");
          }

          @Override
          protected CompletableFuture<Void> doAck() {
            order.add("ack");
            return CompletableFuture.completedFuture(null);
          }
        };
    d.ack();
    assertThat(order).containsExactly("hook", "ack");
  }
}
