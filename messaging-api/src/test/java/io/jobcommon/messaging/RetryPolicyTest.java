package io.jobcommon.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Test
  void defaultsAreFiveAttemptsExponentialFromOneSecondUpToFiveMinutes() {
    RetryPolicy p = RetryPolicy.defaults();
    assertThat(p.maxAttempts()).isEqualTo(5);
    assertThat(p.jitter()).isTrue();
    assertThat(p.backoffCeiling(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.backoffCeiling(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.backoffCeiling(4)).isEqualTo(Duration.ofSeconds(8));
    assertThat(p.backoffCeiling(9)).isEqualTo(Duration.ofSeconds(256));
    assertThat(p.backoffCeiling(10)).isEqualTo(Duration.ofMinutes(5));
    assertThat(p.backoffCeiling(10_000)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void fullJitterStaysBetweenZeroAndTheCeilingAndVaries() {
    RetryPolicy p = RetryPolicy.defaults();
    java.util.Set<Duration> seen = new java.util.HashSet<>();
    for (int i = 0; i < 200; i++) {
      Duration d = p.backoff(4);
      assertThat(d).isBetween(Duration.ZERO, Duration.ofSeconds(8));
      seen.add(d);
    }
    assertThat(seen).hasSizeGreaterThan(50);
  }

  @Test
  void withoutJitterTheBackoffIsTheCeiling() {
    RetryPolicy p = RetryPolicy.builder().setJitter(false).setMultiplier(3).build();
    assertThat(p.backoff(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.backoff(3)).isEqualTo(Duration.ofSeconds(9));
  }

  @Test
  void attemptsLeftCountsTheFirstDelivery() {
    RetryPolicy p = RetryPolicy.builder().setMaxAttempts(3).build();
    assertThat(p.hasAttemptsLeft(1)).isTrue();
    assertThat(p.hasAttemptsLeft(2)).isTrue();
    assertThat(p.hasAttemptsLeft(3)).isFalse();
    assertThat(RetryPolicy.builder().setMaxAttempts(1).build().hasAttemptsLeft(1)).isFalse();
  }

  @Test
  void nonRetryableIsFoundAnywhereInTheCauseChain() {
    RetryPolicy p =
        RetryPolicy.builder()
            .addNonRetryable(IllegalArgumentException.class)
            .setNonRetryableIf(t -> t.getMessage() != null && t.getMessage().contains("403"))
            .build();
    assertThat(p.isRetryable(new IllegalStateException("timeout"))).isTrue();
    assertThat(p.isRetryable(new NonRetryableException("gone"))).isFalse();
    assertThat(p.isRetryable(new RuntimeException(new NonRetryableException("gone")))).isFalse();
    assertThat(p.isRetryable(new RuntimeException(new IllegalArgumentException("bad")))).isFalse();
    assertThat(p.isRetryable(new IOException("HTTP 403"))).isFalse();
    assertThat(RetryPolicy.defaults().isRetryable(new IllegalArgumentException())).isTrue();
  }

  @Test
  void invalidSettingsFailWithTheirName() {
    assertThatThrownBy(() -> RetryPolicy.builder().setMaxAttempts(0))
        .hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> RetryPolicy.builder().setMultiplier(0.5))
        .hasMessageContaining("multiplier");
    assertThatThrownBy(
            () ->
                RetryPolicy.builder()
                    .setInitialBackoff(Duration.ofMinutes(10))
                    .setMaxBackoff(Duration.ofMinutes(1))
                    .build())
        .hasMessageContaining("maxBackoff");
  }

  @Test
  void toBuilderKeepsEveryValue() {
    RetryPolicy p =
        RetryPolicy.builder().setMaxAttempts(7).setJitter(false).setMultiplier(1.5).build();
    assertThat(p.toBuilder().build()).isEqualTo(p);
  }
}
