package io.jobcommon.benchmarks;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of the {@code agent} mode, started with the OpenTelemetry Java agent attached: runs
 * {@code run}'s options (the raw client), prints {@value #WARMED} after the warm-up (once the
 * warm-up's spans had time to be exported) and then the measured run's {@code RESULT} line, and
 * exits, which makes the agent flush its spans.
 */
final class AgentChild {
  static final String WARMED = "WARMED";

  private AgentChild() {}

  /** Runs the options; exits 0, or 1 with the error on stderr. */
  public static void main(String[] args) {
    try {
      BenchOptions o = BenchOptions.parse(new Args(Arrays.asList(args)));
      try (BenchEnvironment env = new BenchEnvironment()) {
        if (!o.warmup().isZero()) {
          new LoadRun(o.withDuration(o.warmup())).run(env.workload(o));
        }
        // let the agent's batch processor export the warm-up's spans before the parent reads
        // the sink's count: two schedule delays and half a second
        TimeUnit.MILLISECONDS.sleep(2 * o.batchProcessor().scheduleDelay().toMillis() + 500);
        System.out.println(WARMED);
        System.out.flush();
        Result r = new LoadRun(o).run(env.workload(o));
        System.out.println(r.toLine());
        System.out.flush();
      }
      System.exit(0);
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(1);
    }
  }
}
