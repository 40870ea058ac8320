package io.jobcommon.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
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
  void sqsSenderAndWorkerEachInTheirOwnProcess() throws Exception {
    List<String> sender =
        Cli.run(
            "cold-start",
            "--broker",
            "sqs",
            "--role",
            "sender",
            "--messages",
            "3",
            "--rounds",
            "1");
    sender.forEach(System.out::println);
    assertThat(ColdStart.parse(sender.get(0)))
        .containsEntry("role", "sender")
        .containsKeys("first_send_ms", "steady_send_ms", "to_first_message_ms")
        .doesNotContainKey("first_handled_ms");
    assertThat(sender.get(1))
        .startsWith(ColdStart.PREFIX + "broker=sqs client=sdk tracing=off rounds=1 role=sender ");

    List<String> worker =
        Cli.run(
            "cold-start",
            "--broker",
            "sqs",
            "--role",
            "worker",
            "--messages",
            "3",
            "--rounds",
            "1");
    worker.forEach(System.out::println);
    Map<String, String> w = ColdStart.parse(worker.get(0));
    assertThat(w).containsEntry("role", "worker").doesNotContainKey("first_send_ms");
    assertThat(Double.parseDouble(w.get("first_handled_ms"))).isPositive();
    assertThat(Double.parseDouble(w.get("steady_handled_ms"))).isPositive();
    assertThat(worker.get(1))
        .startsWith(ColdStart.PREFIX + "broker=sqs client=sdk tracing=off rounds=1 role=worker ");
  }

  @Test
  void sqsSdk() throws Exception {
    assertRan(Cli.run("cold-start", "--broker", "sqs", "--messages", "5", "--rounds", "1"), "sqs");
  }
}
