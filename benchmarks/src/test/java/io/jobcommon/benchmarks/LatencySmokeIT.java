package io.jobcommon.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The latency mode on both brokers, with tiny counts and a small added latency. */
class LatencySmokeIT {

  private static void assertRan(List<String> lines, String broker, int sdkConsumers) {
    List<Result> results =
        lines.stream().filter(l -> l.startsWith(Result.PREFIX)).map(Result::parse).toList();
    assertThat(results).extracting(Result::variant).containsExactly("raw", "sdk-off");
    results.forEach(r -> Cli.assertSane(r, 100));
    results.forEach(r -> assertThat(r.extra()).containsEntry("added_latency_ms", "10.0"));
    String summary = lines.get(lines.size() - 1);
    assertThat(summary)
        .startsWith(
            LatencyCompare.PREFIX
                + "broker="
                + broker
                + " added_latency_ms=10.0 rounds=1 raw_consumers=1 sdk_consumers="
                + sdkConsumers)
        .contains("ideal_sdk_vs_raw=" + Result.fmt(sdkConsumers, 3))
        .containsPattern(" sdk_vs_raw=\\d+\\.\\d{3} ")
        .containsPattern(" of_ideal=\\d+\\.\\d{3}$");
  }

  @Test
  void sqsBehindTheProxy() throws Exception {
    List<String> lines =
        Cli.run(
            "latency",
            "--broker",
            "sqs",
            "--added-latency",
            "10ms",
            "--consumers",
            "4",
            "--messages",
            "100",
            "--rounds",
            "1");

    assertRan(lines, "sqs", 4);
  }

  @Test
  void rabbitMqBehindTheProxy() throws Exception {
    List<String> lines =
        Cli.run(
            "latency",
            "--broker",
            "rabbitmq",
            "--added-latency",
            "10ms",
            "--consumers",
            "2",
            "--messages",
            "100",
            "--rounds",
            "1");

    assertRan(lines, "rabbitmq", 2);
  }
}
