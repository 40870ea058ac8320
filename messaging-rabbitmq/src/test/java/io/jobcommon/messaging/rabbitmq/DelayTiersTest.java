package io.jobcommon.messaging.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DelayTiersTest {
  private final DelayTiers defaults = DelayTiers.of(DelayTiers.DEFAULTS);

  @Test
  void aDelayGoesToTheSmallestTierAtLeastAsLong() {
    assertThat(defaults.tierFor(Duration.ofMillis(1))).isEqualTo(1_000);
    assertThat(defaults.tierFor(Duration.ofSeconds(1))).isEqualTo(1_000);
    assertThat(defaults.tierFor(Duration.ofMillis(1001))).isEqualTo(5_000);
    assertThat(defaults.tierFor(Duration.ofSeconds(16))).isEqualTo(60_000);
    assertThat(defaults.tierFor(Duration.ofMinutes(15))).isEqualTo(900_000);
    assertThat(defaults.tierFor(Duration.ofNanos(1_000_000_001))).isEqualTo(5_000);
  }

  @Test
  void aDelayLongerThanTheLargestTierGoesToTheLargest() {
    assertThat(defaults.tierFor(Duration.ofHours(5))).isEqualTo(3_600_000);
    assertThat(defaults.exceedsLargest(Duration.ofHours(5))).isTrue();
    assertThat(defaults.exceedsLargest(Duration.ofHours(1))).isFalse();
  }

  @Test
  void tiersAreSortedAndDeduplicated() {
    DelayTiers t =
        DelayTiers.of(
            List.of(Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(10)));
    assertThat(t.asDurations()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(10));
    assertThat(t.tierFor(Duration.ofSeconds(2))).isEqualTo(10_000);
  }

  @Test
  void invalidTiersAreRefused() {
    assertThatThrownBy(() -> DelayTiers.of(List.of())).hasMessageContaining("empty");
    assertThatThrownBy(() -> DelayTiers.of(List.of(Duration.ZERO))).hasMessageContaining("range");
    assertThatThrownBy(() -> DelayTiers.of(List.of(Duration.ofDays(60))))
        .hasMessageContaining("range");
  }

  @Test
  void tierQueuesAreNamedAfterTheirQueueAndDelay() {
    assertThat(DelayTiers.queueName("sbom-process-queue", 5000))
        .isEqualTo("sbom-process-queue.delay.5000");
  }
}
