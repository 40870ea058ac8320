package io.jobcommon.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every CLI mode, with tiny counts, on the in-memory broker. */
class InMemorySmokeTest {

  @Test
  void singleRunWithoutTracing() throws Exception {
    Result r = Cli.single(Cli.run("run", "--broker", "in-memory", "--messages", "500"));

    Cli.assertSane(r, 500);
    assertThat(r.client()).isEqualTo("sdk");
    assertThat(r.tracing()).isEqualTo("off");
    assertThat(r.extra()).doesNotContainKey("spans_created");
  }

  @Test
  void singleRunWithTracingCountsTwoSpansPerMessage() throws Exception {
    Result r =
        Cli.single(
            Cli.run(
                "run",
                "--broker=in-memory",
                "--tracing=on",
                "--messages=400",
                "--producers=2",
                "--consumers=2",
                "--body-size=256"));

    Cli.assertSane(r, 400);
    assertThat(r.extra())
        .containsEntry("spans_created", "800")
        .containsEntry("spans_ended", "800")
        .containsEntry("spans_exported", "800")
        .containsEntry("spans_dropped", "0");
  }

  @Test
  void durationRunStopsAndDrains() throws Exception {
    Result r = Cli.single(Cli.run("run", "--duration", "0.3", "--max-backlog", "200"));

    assertThat(r.sent()).isPositive();
    assertThat(r.consumed()).isEqualTo(r.sent());
  }

  @Test
  void compareAlternatesVariantsAndPrintsRatios() throws Exception {
    List<String> lines = Cli.run("compare", "--messages", "300", "--rounds", "2");

    List<Result> results =
        lines.stream().filter(l -> l.startsWith(Result.PREFIX)).map(Result::parse).toList();
    // a warm-up round and two measured rounds of sdk-off, sdk-on (no raw client in memory)
    assertThat(results)
        .extracting(Result::variant)
        .containsExactly("sdk-off", "sdk-on", "sdk-off", "sdk-on", "sdk-off", "sdk-on");
    results.forEach(r -> Cli.assertSane(r, 300));
    String compare = lines.get(lines.size() - 1);
    assertThat(compare)
        .startsWith(Compare.PREFIX + "broker=in-memory rounds=2")
        .contains("sdk_off_consumed_per_s=", "sdk_on_consumed_per_s=")
        .containsPattern(" on_vs_off=\\d+\\.\\d{3}$");
  }

  @Test
  void otlpExportReachesTheSinkAtFullSampling() throws Exception {
    try (OtlpSink sink = OtlpSink.start(0)) {
      Result r =
          Cli.single(
              Cli.run(
                  "run",
                  "--tracing",
                  "otlp",
                  "--messages",
                  "300",
                  "--sink-url",
                  sink.baseUrl(),
                  "--bsp-delay-ms",
                  "50"));

      Cli.assertSane(r, 300);
      assertThat(r.extra())
          .containsEntry("spans_created", "600")
          .containsEntry("spans_exported", "600")
          .containsEntry("spans_dropped", "0")
          .containsEntry("sink_spans", "600");
      assertThat(sink.spans()).isEqualTo(600);
    }
  }

  @Test
  void otlpExportAtTenPercentSamplesFewerSpans() throws Exception {
    try (OtlpSink sink = OtlpSink.start(0)) {
      Result r =
          Cli.single(
              Cli.run(
                  "run",
                  "--tracing",
                  "otlp",
                  "--sampling",
                  "0.1",
                  "--messages",
                  "1000",
                  "--sink-url",
                  sink.baseUrl()));

      Cli.assertSane(r, 1000);
      long created = Long.parseLong(r.extra().get("spans_created"));
      // each message starts a trace; the consumer span follows the producer's decision
      assertThat(created).isEven().isBetween(20L, 600L);
      assertThat(r.extra())
          .containsEntry("spans_dropped", "0")
          .containsEntry("sink_spans", String.valueOf(created));
    }
  }

  @Test
  void sinkRunsInAJvmOfItsOwn() throws Exception {
    try (SinkProcess sink = SinkProcess.launch()) {
      assertThat(sink.baseUrl()).startsWith("http://127.0.0.1:");
      assertThat(sink.spans()).isZero();
    }
  }
}
