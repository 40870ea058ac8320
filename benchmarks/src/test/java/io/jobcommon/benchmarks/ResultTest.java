package io.jobcommon.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultTest {

  @Test
  void lineRoundTripsWithStandardKeysFirst() {
    Result r =
        new Result("rabbitmq", "sdk", "on", 10, 10, 1234.56, 1200.0, 1.5, 9.25, 42.0, Map.of())
            .with("spans_dropped", 0);

    String line = r.toLine();

    assertThat(line)
        .startsWith(
            "RESULT broker=rabbitmq client=sdk tracing=on sent_per_s=1234.6 consumed_per_s=1200.0"
                + " p50_ms=1.500 p99_ms=9.250 heap_peak_mb=42.0");
    Result back = Result.parse(line);
    assertThat(back.broker()).isEqualTo("rabbitmq");
    assertThat(back.consumed()).isEqualTo(10);
    assertThat(back.p99Millis()).isEqualTo(9.25);
    assertThat(back.extra()).containsEntry("spans_dropped", "0");
    assertThat(back.variant()).isEqualTo("sdk-on");
  }

  @Test
  void rejectsLinesThatAreNotResults() {
    assertThatThrownBy(() -> Result.parse("COMPARE broker=x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Result.parse("RESULT broker=x client=raw"))
        .hasMessageContaining("lacks");
  }

  @Test
  void payloadsCarryTheirSendTime() {
    long before = System.nanoTime();
    byte[] body = new Payloads(64).next();
    long after = System.nanoTime();

    assertThat(body).hasSize(64);
    assertThat(Payloads.sentAt(body)).isBetween(before, after);
  }

  @Test
  void medianOfEvenAndOddCounts() {
    Result a = new Result("b", "raw", "off", 1, 1, 1, 10, 0, 0, 1, Map.of());
    Result b = new Result("b", "raw", "off", 1, 1, 1, 30, 0, 0, 1, Map.of());
    Result c = new Result("b", "raw", "off", 1, 1, 1, 20, 0, 0, 1, Map.of());

    assertThat(Compare.median(List.of(a, b, c), Result::consumedPerSecond)).isEqualTo(20);
    assertThat(Compare.median(List.of(a, b), Result::consumedPerSecond)).isEqualTo(20);
  }

  @Test
  void badOptionsAreRejectedWithTheOptionName() throws Exception {
    assertThat(Main.run(new String[] {"run", "--broker", "kafka"}, System.out, System.out))
        .isEqualTo(2);
    assertThatThrownBy(() -> BenchOptions.parse(new Args(List.of("--prefech", "10"))))
        .hasMessageContaining("--prefech");
    assertThatThrownBy(
            () ->
                BenchOptions.parse(
                    new Args(
                        List.of("--client", "raw", "--broker", "rabbitmq", "--tracing", "on"))))
        .hasMessageContaining("--tracing off");
  }
}
