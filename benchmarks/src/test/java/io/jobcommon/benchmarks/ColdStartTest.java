package io.jobcommon.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cold-start mode with one fresh child JVM on the in-memory broker. */
class ColdStartTest {

  @Test
  void aFreshProcessReportsItsFirstMessageAgainstSteadyOnes() throws Exception {
    List<String> lines =
        Cli.run("cold-start", "--broker", "in-memory", "--messages", "5", "--rounds", "1");

    lines.forEach(System.out::println);
    assertThat(lines).hasSize(2);
    Map<String, String> child = ColdStart.parse(lines.get(0));
    assertThat(child)
        .containsEntry("broker", "in-memory")
        .containsEntry("client", "sdk")
        .containsEntry("steady_messages", "5")
        .containsEntry("round", "1");
    double setup = Double.parseDouble(child.get("setup_ms"));
    double firstHandled = Double.parseDouble(child.get("first_handled_ms"));
    double toFirst = Double.parseDouble(child.get("to_first_message_ms"));
    assertThat(setup).isPositive();
    assertThat(firstHandled).isPositive();
    assertThat(Double.parseDouble(child.get("steady_handled_ms"))).isPositive();
    // the JVM's start comes before main, the set-up and the first message's trip
    assertThat(toFirst).isGreaterThan(setup + firstHandled);
    assertThat(lines.get(1))
        .startsWith(ColdStart.PREFIX + "broker=in-memory client=sdk tracing=off rounds=1 ")
        .containsPattern(" handled_ratio=\\d+\\.\\d{3}$");
  }
}
