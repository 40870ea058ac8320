package io.jobcommon.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.messaging.ConsumerOptions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The arithmetic of the bounded way out; the bound itself is measured in reliability-tests. */
class ShutdownBudgetTest {

  @Test
  void theTelemetryBudgetDefaultsToFiveSecondsAndIsConfigurable() {
    assertThat(RuntimeSettings.parse(Map.of()).telemetryFlushTimeout())
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(
            RuntimeSettings.parse(Map.of("JOB_TELEMETRY_FLUSH_TIMEOUT", "1500ms"))
                .telemetryFlushTimeout())
        .isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void handlersGetTheShutdownTimeoutLessAReserveForTheBrokerClose() {
    assertThat(ShutdownCappedTransport.handlerTimeout(Duration.ofSeconds(25)))
        .isEqualTo(Duration.ofSeconds(23));
    assertThat(ShutdownCappedTransport.handlerTimeout(Duration.ofSeconds(4)))
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(ShutdownCappedTransport.handlerTimeout(Duration.ofSeconds(1)))
        .isEqualTo(Duration.ofMillis(750));
    assertThat(ShutdownCappedTransport.handlerTimeout(Duration.ZERO)).isEqualTo(Duration.ZERO);
  }

  @Test
  void aConsumerAskingForLongerIsCappedAndAShorterOneIsKept() {
    ConsumerOptions defaults = ConsumerOptions.defaults(); // 30 s
    assertThat(ShutdownCappedTransport.capped(defaults, Duration.ofSeconds(3)).shutdownTimeout())
        .isEqualTo(Duration.ofSeconds(3));
    ConsumerOptions quick =
        ConsumerOptions.builder().setShutdownTimeout(Duration.ofSeconds(1)).build();
    assertThat(ShutdownCappedTransport.capped(quick, Duration.ofSeconds(3))).isSameAs(quick);
  }
}
