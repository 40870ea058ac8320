package io.jobcommon.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent mode on RabbitMQ with tiny counts: the raw client under the real OpenTelemetry Java
 * agent (the jar Maven resolved) and the SDK, both exporting to one sink JVM.
 */
class AgentSmokeIT {

  @Test
  void rawClientWithTheAgentAgainstTheSdk() throws Exception {
    List<String> lines =
        Cli.run(
            "agent",
            "--broker",
            "rabbitmq",
            "--messages",
            "200",
            "--rounds",
            "1",
            "--bsp-queue",
            "16384",
            "--bsp-batch",
            "4096",
            "--bsp-delay-ms",
            "200");

    List<Result> results =
        lines.stream().filter(l -> l.startsWith(Result.PREFIX)).map(Result::parse).toList();
    assertThat(results).extracting(Result::variant).containsExactly("raw", "sdk-otlp");
    results.forEach(r -> Cli.assertSane(r, 200));
    // the agent's spans reached the sink: at least one per message (publish and process)
    assertThat(Long.parseLong(results.get(0).extra().get("sink_spans")))
        .isGreaterThanOrEqualTo(200);
    assertThat(results.get(1).extra())
        .containsEntry("spans_exported", "400")
        .containsEntry("spans_dropped", "0")
        .containsEntry("spans_per_msg", "2.00");
    String summary = lines.get(lines.size() - 1);
    System.out.println(summary);
    assertThat(summary)
        .startsWith(AgentCompare.PREFIX + "broker=rabbitmq rounds=1 sampling=1.0 ")
        .contains(" sdk_spans_per_msg=2.00 ", " sdk_spans_dropped=0 ")
        .containsPattern(" sdk_vs_agent=\\d+\\.\\d{3} ")
        .containsPattern(" agent_spans_per_s=\\d+\\.\\d ")
        .endsWith("bsp_queue=16384 bsp_batch=4096 bsp_delay_ms=200 bsp_timeout_ms=30000");
  }

  @Test
  void aMissingAgentJarIsAClearUsageError() {
    assertThatThrownBy(
            () -> Cli.run("agent", "--broker", "rabbitmq", "--agent-jar", "/no/such/agent.jar"))
        .hasMessageContaining("/no/such/agent.jar")
        .hasMessageContaining("--agent-jar");
  }
}
