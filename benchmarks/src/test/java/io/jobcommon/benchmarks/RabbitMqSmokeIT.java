package io.jobcommon.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The RabbitMQ paths with tiny counts, against the broker on 127.0.0.1:5672 or RABBITMQ_URL. */
class RabbitMqSmokeIT {

  @Test
  void rawClient() throws Exception {
    Result r =
        Cli.single(Cli.run("run", "--broker", "rabbitmq", "--client", "raw", "--messages", "300"));

    Cli.assertSane(r, 300);
    assertThat(r.extra()).containsEntry("qos", "101");
  }

  @Test
  void sdkWithTracing() throws Exception {
    Result r =
        Cli.single(
            Cli.run(
                "run",
                "--broker",
                "rabbitmq",
                "--tracing",
                "on",
                "--messages",
                "300",
                "--consumers",
                "2",
                "--confirm-window",
                "20"));

    Cli.assertSane(r, 300);
    assertThat(r.extra()).containsEntry("spans_created", "600").containsEntry("spans_dropped", "0");
  }

  @Test
  void compareRunsRawAndSdk() throws Exception {
    List<String> lines =
        Cli.run("compare", "--broker", "rabbitmq", "--messages", "200", "--rounds", "1");

    List<Result> results =
        lines.stream().filter(l -> l.startsWith(Result.PREFIX)).map(Result::parse).toList();
    assertThat(results)
        .extracting(Result::variant)
        .containsExactly("raw", "sdk-off", "sdk-on", "raw", "sdk-off", "sdk-on");
    results.forEach(r -> Cli.assertSane(r, 200));
    assertThat(lines.get(lines.size() - 1))
        .startsWith(Compare.PREFIX + "broker=rabbitmq rounds=1")
        .contains("raw_consumed_per_s=", "sdk_on_vs_raw=", "sdk_off_vs_raw=", "on_vs_off=");
  }
}
