package io.jobcommon.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The cold-start mode on the real brokers, one fresh child JVM each. */
class ColdStartIT {

  private static void assertRan(List<String> lines, String broker) {
    lines.forEach(System.out::println);
    assertThat(lines).hasSize(2);
    assertThat(ColdStart.parse(lines.get(0))).containsEntry("broker", broker);
    assertThat(Double.parseDouble(ColdStart.parse(lines.get(0)).get("first_send_ms"))).isPositive();
    assertThat(lines.get(1)).startsWith(ColdStart.PREFIX + "broker=" + broker + " client=sdk");
  }

  @Test
  void rabbitMqSdkWithTracing() throws Exception {
    assertRan(
        Cli.run(
            "cold-start",
            "--broker",
            "rabbitmq",
            "--tracing",
            "on",
            "--messages",
            "5",
            "--rounds",
            "1"),
        "rabbitmq");
  }

  @Test
  void sqsSdk() throws Exception {
    assertRan(Cli.run("cold-start", "--broker", "sqs", "--messages", "5", "--rounds", "1"), "sqs");
  }
}
