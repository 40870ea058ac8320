package io.jobcommon.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The SQS paths with tiny counts, on an ElasticMQ embedded in the run (no endpoint given). */
class SqsSmokeIT {

  @Test
  void rawClientSendsBatchesOfTen() throws Exception {
    Result r = Cli.single(Cli.run("run", "--broker", "sqs", "--client", "raw", "--messages", "95"));

    Cli.assertSane(r, 95);
  }

  @Test
  void sdkWithTracing() throws Exception {
    Result r =
        Cli.single(
            Cli.run(
                "run",
                "--broker",
                "sqs",
                "--tracing",
                "on",
                "--messages",
                "120",
                "--batch-size",
                "5",
                "--consumers",
                "4"));

    Cli.assertSane(r, 120);
    // one send span per batch of 5, one process span per message
    assertThat(r.extra())
        .containsEntry("spans_created", String.valueOf(120 / 5 + 120))
        .containsEntry("spans_dropped", "0");
  }

  @Test
  void compareRunsRawAndSdk() throws Exception {
    List<String> lines = Cli.run("compare", "--broker", "sqs", "--messages", "60", "--rounds", "1");

    List<Result> results =
        lines.stream().filter(l -> l.startsWith(Result.PREFIX)).map(Result::parse).toList();
    assertThat(results)
        .extracting(Result::variant)
        .containsExactly("raw", "sdk-off", "sdk-on", "raw", "sdk-off", "sdk-on");
    results.forEach(r -> Cli.assertSane(r, 60));
    assertThat(lines.get(lines.size() - 1))
        .startsWith(Compare.PREFIX + "broker=sqs rounds=1")
        .contains("sdk_on_vs_raw=", "on_vs_off=");
  }
}
