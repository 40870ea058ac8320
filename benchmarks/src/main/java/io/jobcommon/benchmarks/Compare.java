package io.jobcommon.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Runs the variants one after another in one process, round after round (raw, sdk-off, sdk-on, raw,
 * ...), so that drift of the machine hits every variant alike, and prints the medians and the
 * ratios sdk/raw and on/off as one {@code COMPARE ...} line. One warm-up round is run first and
 * discarded.
 */
final class Compare {
  static final String PREFIX = "COMPARE ";

  /** The client's costs per message ({@link ClientCost}) whose medians the summary gives. */
  private static final List<String> COSTS =
      List.of("cpu_us_per_msg", "client_cpu_us_per_msg", "alloc_b_per_msg");

  private final BenchOptions options;
  private final BenchEnvironment environment;
  private final PrintStream out;
  private final PrintStream err;

  Compare(BenchOptions options, BenchEnvironment environment, PrintStream out, PrintStream err) {
    this.options = options;
    this.environment = environment;
    this.out = out;
    this.err = err;
  }

  /** The variants for the broker: there is no raw client for the in-memory broker. */
  List<BenchOptions> variants() {
    String on = options.tracing().equals("otlp") ? "otlp" : "on";
    List<BenchOptions> v = new ArrayList<>();
    if (!options.broker().equals("in-memory")) {
      v.add(options.withVariant("raw", "off"));
    }
    v.add(options.withVariant("sdk", "off"));
    v.add(options.withVariant("sdk", on));
    return v;
  }

  String run() throws Exception {
    List<BenchOptions> variants = variants();
    for (BenchOptions v : variants) {
      BenchOptions w = options.warmup().isZero() ? v : v.withDuration(options.warmup());
      print(runOnce(w, "warmup").with("round", "warmup"));
    }
    Map<String, List<Result>> byVariant = new LinkedHashMap<>();
    for (int round = 1; round <= options.rounds(); round++) {
      for (BenchOptions v : variants) {
        Result r = runOnce(v, round + "/" + options.rounds()).with("round", round);
        print(r);
        byVariant.computeIfAbsent(r.variant(), k -> new ArrayList<>()).add(r);
      }
    }
    String summary = summary(byVariant);
    out.println(summary);
    out.flush();
    return summary;
  }

  /** One run; a failed run (a broker connection cut by someone else, say) is tried once more. */
  private Result runOnce(BenchOptions v, String round) throws Exception {
    String label = "round=" + round + " variant=" + v.client() + "-" + v.tracing();
    err.println("starting " + label);
    err.flush();
    try {
      return new LoadRun(v, err, label).run(environment.workload(v));
    } catch (IllegalStateException e) {
      err.println("run of " + v.client() + "/" + v.tracing() + " failed, running it again: " + e);
      return new LoadRun(v, err, label).run(environment.workload(v));
    }
  }

  private void print(Result r) {
    out.println(r.toLine());
    out.flush();
  }

  private String summary(Map<String, List<Result>> byVariant) {
    StringBuilder b =
        new StringBuilder(PREFIX)
            .append("broker=")
            .append(options.broker())
            .append(" rounds=")
            .append(options.rounds());
    Map<String, Double> consumed = new LinkedHashMap<>();
    byVariant.forEach(
        (variant, results) -> {
          String key = variant.replace('-', '_');
          double c = median(results, Result::consumedPerSecond);
          consumed.put(variant, c);
          b.append(' ').append(key).append("_consumed_per_s=").append(Result.fmt(c, 1));
          b.append(' ')
              .append(key)
              .append("_sent_per_s=")
              .append(Result.fmt(median(results, Result::sentPerSecond), 1));
          b.append(' ')
              .append(key)
              .append("_p50_ms=")
              .append(Result.fmt(median(results, Result::p50Millis), 3));
          b.append(' ')
              .append(key)
              .append("_p99_ms=")
              .append(Result.fmt(median(results, Result::p99Millis), 3));
          b.append(' ')
              .append(key)
              .append("_heap_peak_mb=")
              .append(Result.fmt(median(results, Result::heapPeakMegabytes), 1));
          for (String cost : COSTS) {
            b.append(' ')
                .append(key)
                .append('_')
                .append(cost)
                .append('=')
                .append(Result.fmt(median(results, r -> extra(r, cost)), 2));
          }
        });
    String on = byVariant.containsKey("sdk-otlp") ? "sdk-otlp" : "sdk-on";
    Double raw = consumed.get("raw");
    if (raw != null) {
      b.append(" sdk_on_vs_raw=").append(Result.fmt(rate(consumed, on) / raw, 3));
      b.append(" sdk_off_vs_raw=").append(Result.fmt(rate(consumed, "sdk-off") / raw, 3));
    }
    b.append(" on_vs_off=").append(Result.fmt(rate(consumed, on) / rate(consumed, "sdk-off"), 3));
    return b.toString();
  }

  private static double extra(Result r, String key) {
    String v = r.extra().get(key);
    return v == null ? Double.NaN : Double.parseDouble(v);
  }

  static double median(List<Result> results, ToDoubleFunction<Result> figure) {
    double[] v = results.stream().mapToDouble(figure).sorted().toArray();
    int mid = v.length / 2;
    return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }

  /** A variant's rate; NaN (printed as such) when the variant did not run. */
  private static double rate(Map<String, Double> rates, String variant) {
    Double r = rates.get(variant);
    return r == null ? Double.NaN : r;
  }
}
