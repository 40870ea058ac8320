package io.jobcommon.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs {@link Main} in the test JVM and returns what it printed. */
final class Cli {
  private Cli() {}

  /** The lines printed on stdout; fails the test if the exit status is not 0. */
  static List<String> run(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      status = Main.run(args, o, e);
    }
    assertThat(status).as("exit status; stderr: %s", err.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  /** The only RESULT line of {@code lines}, parsed. */
  static Result single(List<String> lines) {
    List<String> results = lines.stream().filter(l -> l.startsWith(Result.PREFIX)).toList();
    assertThat(results).as("RESULT lines in %s", lines).hasSize(1);
    return Result.parse(results.get(0));
  }

  /** Asserts a run moved {@code messages} messages end to end with sane figures. */
  static void assertSane(Result r, long messages) {
    assertThat(r.sent()).isEqualTo(messages);
    assertThat(r.consumed()).isEqualTo(messages);
    assertThat(r.sentPerSecond()).isPositive();
    assertThat(r.consumedPerSecond()).isPositive();
    assertThat(r.p50Millis()).isGreaterThanOrEqualTo(0).isLessThanOrEqualTo(r.p99Millis());
    assertThat(r.p99Millis()).isLessThan(60_000);
    assertThat(r.heapPeakMegabytes()).isPositive();
    // every run reports what it cost the client per message; a run allocates, whatever it is
    assertThat(r.extra()).containsKeys("cpu_us_per_msg", "client_cpu_us_per_msg");
    assertThat(Long.parseLong(r.extra().get("alloc_b_per_msg"))).isPositive();
  }
}
