package io.jobcommon.messaging.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void doublesFromTwoHundredMillisecondsUpToTenSeconds() {
    assertThat(Backoff.afterFailures(1)).isEqualTo(Duration.ofMillis(200));
    assertThat(Backoff.afterFailures(2)).isEqualTo(Duration.ofMillis(400));
    assertThat(Backoff.afterFailures(3)).isEqualTo(Duration.ofMillis(800));
    assertThat(Backoff.afterFailures(6)).isEqualTo(Duration.ofMillis(6400));
    assertThat(Backoff.afterFailures(7)).isEqualTo(Duration.ofSeconds(10));
    assertThat(Backoff.afterFailures(1_000_000)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void noFailureNoWait() {
    assertThat(Backoff.afterFailures(0)).isZero();
  }
}
