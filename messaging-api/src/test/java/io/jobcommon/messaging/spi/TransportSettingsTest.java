package io.jobcommon.messaging.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobcommon.messaging.ConfigurationException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TransportSettingsTest {

  @ParameterizedTest
  @CsvSource({"30s,30000", "500ms,500", "5m,300000", "1h,3600000", "45,45000", "PT2S,2000"})
  void durationsAcceptUnits(String text, long millis) {
    TransportSettings s = TransportSettings.of(Map.of("X", text));
    assertThat(s.getDuration("X", Duration.ZERO)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @CsvSource({"abc", "10x", "-5s", "s"})
  void badDurationsNameTheVariable(String text) {
    TransportSettings s = TransportSettings.of(Map.of("JOB_SHUTDOWN_TIMEOUT", text));
    assertThatThrownBy(() -> s.getDuration("JOB_SHUTDOWN_TIMEOUT", Duration.ZERO))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "JOB_SHUTDOWN_TIMEOUT is not a duration: '"
                + text
                + "' (expected a number with a unit, such as 30s, 500ms, 5m or 1h)");
  }

  @Test
  void blankCountsAsAbsentAndRequireSaysWhatIsExpected() {
    TransportSettings s = TransportSettings.of(Map.of("AWS_REGION", "  "));
    assertThat(s.get("AWS_REGION")).isEmpty();
    assertThatThrownBy(() -> s.require("AWS_REGION", "an AWS region such as eu-west-1"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("AWS_REGION is not set (expected an AWS region such as eu-west-1)")
        .extracting(e -> ((ConfigurationException) e).setting())
        .isEqualTo("AWS_REGION");
  }

  @Test
  void booleansAndNumbers() {
    TransportSettings s =
        TransportSettings.of(Map.of("A", "yes", "B", "false", "C", "maybe", "N", "0"));
    assertThat(s.getBoolean("A", false)).isTrue();
    assertThat(s.getBoolean("B", true)).isFalse();
    assertThat(s.getBoolean("MISSING", true)).isTrue();
    assertThatThrownBy(() -> s.getBoolean("C", false)).hasMessageContaining("C is not a boolean");
    assertThatThrownBy(() -> s.getInt("N", 1)).hasMessageContaining("N is not a positive");
  }
}
