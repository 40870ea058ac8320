package io.jobcommon.messaging.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SubscriptionsTest {

  /** A subscription whose close runs {@code onClose}. */
  private static Subscription closing(String queue, Runnable onClose) {
    return new Subscription() {
      @Override
      public String queue() {
        return queue;
      }

      @Override
      public boolean isRunning() {
        return false;
      }

      @Override
      public void close() {
        onClose.run();
      }
    };
  }

  @Test
  void closesAllAtOnceSoNClosesTakeAboutOneNotN() {
    int n = 4;
    CountDownLatch started = new CountDownLatch(n);
    List<Boolean> sawAllStarted = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Subscription> subs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      subs.add(
          closing(
              "q" + i,
              () -> {
                started.countDown();
                // One after the other, the first close would wait here for the others in vain.
                try {
                  sawAllStarted.add(started.await(10, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }));
    }

    Subscriptions.closeAll(subs);

    assertThat(sawAllStarted).hasSize(n).containsOnly(true);
  }

  @Test
  void waitsForEveryCloseAndThrowsTheFirstFailureWithTheOthersSuppressed()
      throws InterruptedException {
    CountDownLatch bothFailed = new CountDownLatch(2);
    CountDownLatch slowMayFinish = new CountDownLatch(1);
    AtomicBoolean slowFinished = new AtomicBoolean();
    RuntimeException a = new IllegalStateException("a");
    RuntimeException b = new IllegalStateException("b");
    Runnable failA =
        () -> {
          bothFailed.countDown();
          throw a;
        };
    Runnable failB =
        () -> {
          bothFailed.countDown();
          throw b;
        };
    Runnable slow =
        () -> {
          try {
            bothFailed.await(30, TimeUnit.SECONDS);
            slowMayFinish.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          slowFinished.set(true);
        };
    List<Subscription> subs = List.of(closing("a", failA), closing("b", failB), closing("s", slow));

    CompletableFuture<Throwable> thrown =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                Subscriptions.closeAll(subs);
                return null;
              } catch (RuntimeException e) {
                return e;
              }
            });
    // The failures are in, but closeAll still waits for the slow close.
    assertThat(bothFailed.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(thrown).isNotDone();
    slowMayFinish.countDown();

    Throwable e = thrown.join();
    assertThat(slowFinished).isTrue();
    assertThat(e).isIn(a, b);
    assertThat(e.getSuppressed()).containsExactly(e == a ? b : a);
  }

  @Test
  void oneSubscriptionClosesOnTheCallingThreadAndItsFailureIsThrown() {
    Thread caller = Thread.currentThread();
    AtomicBoolean onCaller = new AtomicBoolean();
    Subscriptions.closeAll(
        List.of(closing("q", () -> onCaller.set(Thread.currentThread() == caller))));
    assertThat(onCaller).isTrue();

    RuntimeException boom = new IllegalStateException("boom");
    assertThatThrownBy(
            () ->
                Subscriptions.closeAll(
                    List.of(
                        closing(
                            "q",
                            () -> {
                              throw boom;
                            }))))
        .isSameAs(boom);
  }

  @Test
  void anInterruptedCallerStopsWaitingAndKeepsItsInterruptFlag() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Runnable blocked =
        () -> {
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    CompletableFuture<Boolean> flag = new CompletableFuture<>();
    Thread caller =
        new Thread(
            () -> {
              Subscriptions.closeAll(List.of(closing("a", blocked), closing("b", blocked)));
              flag.complete(Thread.currentThread().isInterrupted());
            });
    caller.start();
    caller.interrupt();
    try {
      assertThat(flag.get(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      release.countDown();
    }
  }

  @Test
  void nothingToCloseReturnsAtOnce() {
    Subscriptions.closeAll(List.of());
  }
}
