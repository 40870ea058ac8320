package io.jobcommon.messaging.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.model.SqsException;

class StallWatchdogTest {
  private final AtomicLong now = new AtomicLong();
  private final StallWatchdog watchdog = new StallWatchdog(Duration.ofSeconds(10), now::get);

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
    watchdog.check();
  }

  @Test
  void aCallUnansweredPastItsDueTimeAndTheStallTimeoutStallsUntilSqsAnswers() {
    CompletableFuture<String> stuck = new CompletableFuture<>();
    watchdog.watch("SendMessage", Duration.ZERO, () -> stuck);
    advance(Duration.ofSeconds(10));
    assertThat(watchdog.isStalled()).isFalse();
    advance(Duration.ofMillis(1));
    assertThat(watchdog.isStalled()).isTrue();

    stuck.completeExceptionally(SdkClientException.create("Read timed out")); // no answer
    advance(Duration.ofSeconds(1));
    assertThat(watchdog.isStalled()).as("a timeout is no answer").isTrue();

    watchdog.watch(
        "ReceiveMessage",
        Duration.ofSeconds(20),
        () ->
            CompletableFuture.failedFuture(
                SqsException.builder().statusCode(500).message("busy").build()));
    assertThat(watchdog.isStalled()).as("an error answer is an answer").isFalse();
  }

  @Test
  void aLongPollIsDueOnlyAfterItsWait() {
    watchdog.watch("ReceiveMessage", Duration.ofSeconds(20), CompletableFuture::new);
    advance(Duration.ofSeconds(29));
    assertThat(watchdog.isStalled()).isFalse();
    advance(Duration.ofSeconds(2));
    assertThat(watchdog.isStalled()).isTrue();
  }
}
