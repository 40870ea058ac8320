package io.jobcommon.messaging.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CallbacksTest {

  @Test
  void whenDoneSeesTheFailureAndAThrowingCallbackDoesNotEscape() {
    CompletableFuture<String> f = new CompletableFuture<>();
    AtomicInteger calls = new AtomicInteger();
    Callbacks.whenDone(
        f,
        (v, error) -> {
          calls.incrementAndGet();
          assertThat(error).hasMessage("broker said no");
          throw new IllegalStateException("callback bug");
        });
    f.completeExceptionally(new IllegalStateException("broker said no"));
    assertThat(calls).hasValue(1);
  }

  @Test
  void aPeriodicTaskThatThrowsKeepsRunning() throws InterruptedException {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      CountDownLatch runs = new CountDownLatch(3);
      Callbacks.scheduleWithFixedDelay(
          scheduler,
          () -> {
            runs.countDown();
            throw new IllegalStateException("poll failed");
          },
          0,
          1,
          TimeUnit.MILLISECONDS);
      // With a plain scheduleWithFixedDelay the first exception ends the schedule: one run only.
      assertThat(runs.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      scheduler.shutdownNow();
    }
  }
}
