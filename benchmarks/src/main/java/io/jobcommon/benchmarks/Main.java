package io.jobcommon.benchmarks;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The benchmark CLI: {@code java -jar benchmarks.jar MODE [--option value ...]}.
 *
 * <ul>
 *   <li>{@code run}: one run, one {@code RESULT} line;
 *   <li>{@code compare}: rounds of raw, sdk-off, sdk-on in one process; {@code RESULT} lines and a
 *       {@code COMPARE} line with medians and ratios;
 *   <li>{@code latency}: raw vs SDK behind a {@link LatencyProxy}, a {@code LATENCY} line;
 *   <li>{@code agent}: raw client with the Java agent vs the SDK, an {@code AGENT} line;
 *   <li>{@code cold-start}: first message of fresh child JVMs, {@code COLDSTART} line;
 *   <li>{@code export-ceiling}: spans/s exported over OTLP, a {@code CEILING} line;
 *   <li>{@code sink}: the OTLP/HTTP span sink, until killed;
 *   <li>{@code jmh}: the JMH micro-benchmarks (JMH's own options).
 * </ul>
 */
public final class Main {
  private Main() {}

  /** Runs the CLI and exits with its status. */
  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the CLI; returns the exit status (0 ok, 1 failed, 2 bad usage). */
  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
      out.println(usage());
      return args.length == 0 ? 2 : 0;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    try {
      switch (args[0]) {
        case "run":
          return single(BenchOptions.parse(new Args(rest)), out, err);
        case "compare":
          return compare(BenchOptions.parse(new Args(rest)), out, err);
        case "latency":
          return LatencyCompare.run(rest, out);
        case "agent":
          return AgentCompare.run(rest, out);
        case "cold-start":
          return ColdStart.run(rest, out);
        case "export-ceiling":
          return ExportCeiling.run(rest, out);
        case "sink":
          return sink(new Args(rest), out);
        case "jmh":
          org.openjdk.jmh.Main.main(rest.toArray(new String[0]));
          return 0;
        default:
          err.println("unknown mode '" + args[0] + "'\n" + usage());
          return 2;
      }
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    }
  }

  private static int single(BenchOptions o, PrintStream out, PrintStream err) throws Exception {
    try (BenchEnvironment env = new BenchEnvironment()) {
      if (!o.warmup().isZero()) {
        new LoadRun(o.withDuration(o.warmup()), err, "warmup").run(env.workload(o));
      }
      Result r = new LoadRun(o, err, "run").run(env.workload(o));
      out.println(r.toLine());
      out.flush();
      return 0;
    }
  }

  private static int compare(BenchOptions o, PrintStream out, PrintStream err) throws Exception {
    try (BenchEnvironment env = new BenchEnvironment()) {
      new Compare(o, env, out, err).run();
      return 0;
    }
  }

  private static int sink(Args a, PrintStream out) throws Exception {
    int port = (int) a.integer("port", 4318);
    a.requireAllUsed();
    try (OtlpSink sink = OtlpSink.start(port)) {
      out.println("SINK port=" + sink.port());
      out.flush();
      new java.util.concurrent.CountDownLatch(1).await(); // until the process is killed
    }
    return 0;
  }

  static String usage() {
    return String.join(
        "\n",
        "usage: java -jar benchmarks.jar MODE [options]; MODE is one of:",
        "  run      one run: prints RESULT broker=... client=... tracing=... sent_per_s=...",
        "           consumed_per_s=... p50_ms=... p99_ms=... heap_peak_mb=... [more figures]",
        "  compare  warm-up, then --rounds rounds of raw, sdk-off, sdk-on; prints every RESULT",
        "           line and a COMPARE line with medians and the ratios sdk/raw and on/off",
        "  latency  the broker behind a proxy adding --added-latency [20ms] per round trip; rounds",
        "           of raw with --raw-consumers [1] and sdk with --consumers; a LATENCY line with",
        "           sdk_vs_raw and the latency-bound ideal_sdk_vs_raw (consumers / raw consumers)",
        "  agent    raw client + the OpenTelemetry Java agent (child JVM, --agent-jar [the one",
        "           resolved at build]) vs the SDK, both exporting OTLP to a sink JVM with the",
        "           --bsp-* settings; an AGENT line: msg/s, spans/s, spans per message, dropped",
        "  cold-start  --rounds fresh child JVMs each time their first message (send to confirm,",
        "           send to handler) against --messages [20] steady ones; COLD and COLDSTART lines",
        "  export-ceiling  spans/s this machine exports over OTLP to a sink JVM: --producers",
        "           threads make spans for --duration; a CEILING line (created, exported, dropped)",
        "  sink     the OTLP/HTTP span sink: --port N [4318] (0 = any free port)",
        "  jmh      the JMH micro-benchmarks; JMH's options, e.g. jmh -f 1 -wi 3 -i 5 Tracing",
        BenchOptions.USAGE);
  }
}
