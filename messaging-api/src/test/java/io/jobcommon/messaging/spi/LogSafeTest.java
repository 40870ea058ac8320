package io.jobcommon.messaging.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LogSafeTest {

  @Test
  void cleanTextIsReturnedAsIs() {
    assertThat(LogSafe.of("msg-42 in sbom-process-queue"))
        .isEqualTo("msg-42 in sbom-process-queue");
    assertThat(LogSafe.of(null)).isEqualTo("null");
  }

  @Test
  void lineBreaksCannotForgeASecondLine() {
    String forged = "id-1\r\n12:00:00.000 ERROR Fake - database wiped";
    String safe = LogSafe.of(forged);
    assertThat(safe).doesNotContain("\n").doesNotContain("\r");
    assertThat(safe).isEqualTo("id-1\\r\\n12:00:00.000 ERROR Fake - database wiped");
  }

  @Test
  void otherControlAndSeparatorCharactersAreEscaped() {
    assertThat(LogSafe.of("a\tb\u0000c\u001b[31md\u2028e\u2029f\u0085g\u007f"))
        .isEqualTo("a\\tb\\u0000c\\u001b[31md\\u2028e\\u2029f\\u0085g\\u007f");
  }

  @Test
  void longValuesAreCappedAndSayHowMuchWasCut() {
    String value = "x".repeat(300);
    assertThat(LogSafe.of(value)).isEqualTo("x".repeat(256) + "…(+44 chars)");
    assertThat(LogSafe.of("abcdef", 3)).isEqualTo("abc…(+3 chars)");
  }

  @Test
  void aSurrogatePairIsNeverSplit() {
    String value = "ab\uD83D\uDE00cd";
    assertThat(LogSafe.of(value, 3)).isEqualTo("ab…(+4 chars)");
  }

  @Test
  void refusesANonPositiveCap() {
    assertThatThrownBy(() -> LogSafe.of("x", 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
