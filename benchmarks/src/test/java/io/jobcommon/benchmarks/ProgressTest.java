package io.jobcommon.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Long runs say how they go: a progress line a second on stderr, the RESULT alone on stdout. */
class ProgressTest {
  private static final Pattern LINE =
      Pattern.compile("progress (\\S+) (\\d+)s sent=(\\d+) \\(\\+\\d+/s\\) consumed=(\\d+) .*");

  @Test
  void aRunPrintsAProgressLineEverySecondOnStderr() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      status =
          Main.run(
              new String[] {
                "run", "--broker", "in-memory", "--duration", "2.6", "--max-backlog", "200"
              },
              o,
              e);
    }
    assertThat(status).isZero();
    List<String> progress =
        err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("progress")).toList();
    assertThat(progress).hasSizeGreaterThanOrEqualTo(2);
    long previous = -1;
    for (String line : progress) {
      Matcher m = LINE.matcher(line);
      assertThat(m.matches()).as(line).isTrue();
      assertThat(m.group(1)).isEqualTo("run");
      long consumed = Long.parseLong(m.group(4));
      assertThat(consumed).isGreaterThanOrEqualTo(previous);
      previous = consumed;
    }
    assertThat(previous).isPositive();
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("progress");
  }
}
