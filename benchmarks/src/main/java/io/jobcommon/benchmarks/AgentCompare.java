package io.jobcommon.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The {@code agent} mode: what a user would pick instead of the SDK, the raw client in a child JVM
 * with the OpenTelemetry Java agent exporting OTLP/HTTP to the sink JVM, against the SDK with
 * {@code --tracing otlp} exporting to the same sink with the same batch settings; rounds
 * alternating. Prints every {@code RESULT} line and an {@code AGENT} line with the medians of
 * consumed msg/s, spans/s the sink received, spans per message, and the SDK's dropped spans. The
 * agent jar: {@code --agent-jar}, else the one Maven resolved when the module was built. One thread
 * uses it.
 */
final class AgentCompare {
  static final String PREFIX = "AGENT ";
  private static final String AGENT_PROPERTY = "otel.javaagent.jar";

  private final List<String> args;
  private final BenchOptions base;
  private final Path agentJar;
  private final PrintStream out;

  private AgentCompare(List<String> args, PrintStream out) throws IOException {
    this.args = List.copyOf(args);
    this.out = out;
    Args a = new Args(args);
    @Nullable String jar = a.optional("agent-jar");
    this.base = BenchOptions.parse(a);
    if (base.broker().equals("in-memory")) {
      throw new IllegalArgumentException(
          "agent mode needs --broker rabbitmq or sqs (the agent instruments their clients)");
    }
    this.agentJar = Path.of(jar != null ? jar : resolvedAgentJar());
    if (!Files.isRegularFile(agentJar)) {
      throw new IllegalArgumentException(
          "the OpenTelemetry Java agent jar "
              + agentJar
              + " does not exist: give --agent-jar PATH (opentelemetry-javaagent 2.33.1)");
    }
  }

  /** Runs the mode with the options after {@code agent}; returns the exit status. */
  static int run(List<String> args, PrintStream out) throws Exception {
    return new AgentCompare(args, out).run();
  }

  /** The path Maven resolved at build time (a system property overrides it, as in the tests). */
  static String resolvedAgentJar() throws IOException {
    String property = System.getProperty(AGENT_PROPERTY);
    if (property != null && !property.isBlank()) {
      return property;
    }
    Properties p = new Properties();
    try (InputStream in = AgentCompare.class.getResourceAsStream("/benchmarks-agent.properties")) {
      if (in != null) {
        p.load(in);
      }
    }
    return p.getProperty("agent.jar", "");
  }

  private int run() throws Exception {
    String url = base.sinkUrl();
    try (SinkProcess sink = url != null ? SinkProcess.external(url) : SinkProcess.launch();
        BenchEnvironment env = new BenchEnvironment()) {
      List<String> sdkArgs = new ArrayList<>(args);
      sdkArgs.addAll(List.of("--client", "sdk", "--tracing", "otlp", "--sink-url", sink.baseUrl()));
      BenchOptions sdk = options(sdkArgs);
      if (!base.warmup().isZero()) {
        new LoadRun(sdk.withDuration(base.warmup())).run(env.workload(sdk));
      }
      List<Result> agents = new ArrayList<>();
      List<Result> sdks = new ArrayList<>();
      for (int round = 1; round <= base.rounds(); round++) {
        agents.add(print(withSpanRates(agentRun(sink), "sink_spans").with("round", round)));
        sdks.add(
            print(
                withSpanRates(new LoadRun(sdk).run(env.workload(sdk)), "spans_exported")
                    .with("round", round)));
      }
      summary(agents, sdks);
      return 0;
    }
  }

  /** One run of the raw client in a child JVM with the agent; its sink spans added. */
  private Result agentRun(SinkProcess sink) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-javaagent:" + agentJar);
    BenchOptions.BatchSettings b = base.batchProcessor();
    command.addAll(
        List.of(
            "-Dotel.service.name=bench-agent",
            "-Dotel.traces.exporter=otlp",
            "-Dotel.exporter.otlp.protocol=http/protobuf",
            "-Dotel.exporter.otlp.endpoint=" + sink.baseUrl(),
            "-Dotel.metrics.exporter=none",
            "-Dotel.logs.exporter=none",
            "-Dotel.traces.sampler=parentbased_traceidratio",
            "-Dotel.traces.sampler.arg=" + base.sampling(),
            "-Dotel.bsp.max.queue.size=" + b.maxQueueSize(),
            "-Dotel.bsp.max.export.batch.size=" + b.maxExportBatchSize(),
            "-Dotel.bsp.schedule.delay=" + b.scheduleDelay().toMillis(),
            "-Dotel.bsp.export.timeout=" + b.exporterTimeout().toMillis(),
            "-cp",
            System.getProperty("java.class.path"),
            AgentChild.class.getName()));
    command.addAll(withoutAgentJar(args));
    command.addAll(List.of("--client", "raw", "--tracing", "off"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    Deque<String> tail = new ArrayDeque<>();
    long before = -1;
    String resultLine = null;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.equals(AgentChild.WARMED)) {
          before = sink.spans();
        } else if (line.startsWith(Result.PREFIX)) {
          resultLine = line;
        }
        tail.addLast(line);
        if (tail.size() > 30) {
          tail.removeFirst();
        }
      }
    }
    boolean ended = p.waitFor(2, TimeUnit.MINUTES);
    if (!ended || p.exitValue() != 0 || resultLine == null || before < 0) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "the raw client with the agent failed (exit "
              + (ended ? p.exitValue() : "none, killed")
              + "); its last output:\n"
              + String.join("\n", tail));
    }
    return Result.parse(resultLine).with("sink_spans", sink.spans() - before);
  }

  /** Adds spans per second and per message from the extra figure {@code spansKey}. */
  private static Result withSpanRates(Result r, String spansKey) {
    long spans = Long.parseLong(r.extra().getOrDefault(spansKey, "0"));
    double seconds = r.consumed() / Math.max(r.consumedPerSecond(), 1e-9);
    return r.with("spans_per_s", Result.fmt(spans / seconds, 1))
        .with("spans_per_msg", Result.fmt((double) spans / Math.max(r.consumed(), 1), 2));
  }

  private Result print(Result r) {
    out.println(r.toLine());
    out.flush();
    return r;
  }

  private void summary(List<Result> agents, List<Result> sdks) {
    double agent = Compare.median(agents, Result::consumedPerSecond);
    double sdk = Compare.median(sdks, Result::consumedPerSecond);
    long dropped =
        sdks.stream().mapToLong(r -> Long.parseLong(r.extra().get("spans_dropped"))).sum();
    out.println(
        PREFIX
            + "broker="
            + base.broker()
            + " rounds="
            + base.rounds()
            + " sampling="
            + base.sampling()
            + " agent_consumed_per_s="
            + Result.fmt(agent, 1)
            + " sdk_consumed_per_s="
            + Result.fmt(sdk, 1)
            + " sdk_vs_agent="
            + Result.fmt(sdk / agent, 3)
            + " agent_spans_per_s="
            + Result.fmt(Compare.median(agents, r -> extra(r, "spans_per_s")), 1)
            + " sdk_spans_per_s="
            + Result.fmt(Compare.median(sdks, r -> extra(r, "spans_per_s")), 1)
            + " agent_spans_per_msg="
            + Result.fmt(Compare.median(agents, r -> extra(r, "spans_per_msg")), 2)
            + " sdk_spans_per_msg="
            + Result.fmt(Compare.median(sdks, r -> extra(r, "spans_per_msg")), 2)
            + " sdk_spans_dropped="
            + dropped
            + " "
            + base.batchProcessor()
                .toString()
                .replace("queue=", "bsp_queue=")
                .replace(" batch=", " bsp_batch=")
                .replace(" delay_ms=", " bsp_delay_ms=")
                .replace(" timeout_ms=", " bsp_timeout_ms="));
    out.flush();
  }

  private static double extra(Result r, String key) {
    return Double.parseDouble(r.extra().get(key));
  }

  /** The options without {@code --agent-jar} (the child does not know it). */
  static List<String> withoutAgentJar(List<String> args) {
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals("--agent-jar")) {
        i++; // and its value
      } else if (!args.get(i).startsWith("--agent-jar=")) {
        rest.add(args.get(i));
      }
    }
    return rest;
  }

  private static BenchOptions options(List<String> all) {
    Args a = new Args(all);
    a.optional("agent-jar");
    return BenchOptions.parse(a);
  }
}
