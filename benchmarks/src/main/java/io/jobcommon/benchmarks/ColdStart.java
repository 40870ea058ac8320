package io.jobcommon.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The {@code cold-start} mode: time to the first message of a fresh process. Each of {@code
 * --rounds} child JVMs (the variant of {@code --client}/{@code --tracing}) builds its workload,
 * starts its consumers, sends one message and waits for its confirm and its handler, then sends
 * {@code --messages} [20] more one at a time, the steady ones. Each child prints a {@code COLD}
 * line (milliseconds): {@code jvm_to_main_ms}, {@code setup_ms} (client, connections, consumers),
 * {@code first_send_ms} / {@code steady_send_ms} (send to confirm: the sender's cost), {@code
 * first_handled_ms} / {@code steady_handled_ms} (send to the handler: the worker's), {@code
 * to_first_message_ms} (JVM start to the first handler call) and the ratios first ÷ steady; then a
 * {@code COLDSTART} line with the medians. One thread uses it.
 */
final class ColdStart {
  static final String LINE = "COLD ";
  static final String PREFIX = "COLDSTART ";
  private static final List<String> FIGURES =
      List.of(
          "jvm_to_main_ms",
          "setup_ms",
          "first_send_ms",
          "steady_send_ms",
          "first_handled_ms",
          "steady_handled_ms",
          "to_first_message_ms",
          "send_ratio",
          "handled_ratio");

  private ColdStart() {}

  /** Runs the mode (the parent) with the options after {@code cold-start}. */
  static int run(List<String> args, PrintStream out) throws Exception {
    BenchOptions o = BenchOptions.parse(new Args(args));
    List<Map<String, String>> rounds = new ArrayList<>();
    for (int round = 1; round <= o.rounds(); round++) {
      String line = child(args);
      out.println(line + " round=" + round);
      out.flush();
      rounds.add(parse(line));
    }
    StringBuilder b =
        new StringBuilder(PREFIX)
            .append("broker=")
            .append(o.broker())
            .append(" client=")
            .append(o.client())
            .append(" tracing=")
            .append(o.tracing())
            .append(" rounds=")
            .append(o.rounds());
    for (String f : FIGURES) {
      double[] v =
          rounds.stream().mapToDouble(m -> Double.parseDouble(m.get(f))).sorted().toArray();
      double median =
          v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
      b.append(' ').append(f).append('=').append(Result.fmt(median, 3));
    }
    out.println(b);
    out.flush();
    return 0;
  }

  static Map<String, String> parse(String line) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String part : line.substring(LINE.length()).trim().split(" +", -1)) {
      int eq = part.indexOf('=');
      m.put(part.substring(0, eq), part.substring(eq + 1));
    }
    return m;
  }

  private static String child(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), ColdStart.class.getName()));
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    Deque<String> tail = new ArrayDeque<>();
    String result = null;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith(LINE)) {
          result = line;
        }
        tail.addLast(line);
        if (tail.size() > 30) {
          tail.removeFirst();
        }
      }
    }
    boolean ended = p.waitFor(2, TimeUnit.MINUTES);
    if (!ended || p.exitValue() != 0 || result == null) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "the cold-start child JVM failed; its last output:\n" + String.join("\n", tail));
    }
    return result;
  }

  /** The child: measures its own first message against steady ones; prints one COLD line. */
  public static void main(String[] args) {
    long mainNanos = System.nanoTime();
    long mainMillis = System.currentTimeMillis();
    try {
      long jvmStartMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
      BenchOptions o = BenchOptions.parse(new Args(Arrays.asList(args)));
      int steady = o.messages() > 0 ? (int) Math.min(o.messages(), 10_000) : 20;
      try (BenchEnvironment env = new BenchEnvironment();
          Workload w = env.workload(o)) {
        BlockingQueue<Long> handled = new LinkedBlockingQueue<>();
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        w.startConsumers(body -> handled.add(System.nanoTime()), failed::complete);
        Payloads payloads = new Payloads(o.bodySize());
        try (Workload.Producer producer = w.producer()) {
          long setupDone = System.nanoTime();
          long[] first = one(producer, payloads, handled, failed);
          double[] sends = new double[steady];
          double[] handles = new double[steady];
          for (int i = 0; i < steady; i++) {
            long[] t = one(producer, payloads, handled, failed);
            sends[i] = t[1] / 1e6;
            handles[i] = t[2] / 1e6;
          }
          double steadySend = median(sends);
          double steadyHandled = median(handles);
          double toFirst = (mainMillis - jvmStartMillis) + (first[0] + first[2] - mainNanos) / 1e6;
          System.out.println(
              LINE
                  + "broker="
                  + o.broker()
                  + " client="
                  + o.client()
                  + " tracing="
                  + o.tracing()
                  + " jvm_to_main_ms="
                  + (mainMillis - jvmStartMillis)
                  + " setup_ms="
                  + Result.fmt((setupDone - mainNanos) / 1e6, 3)
                  + " first_send_ms="
                  + Result.fmt(first[1] / 1e6, 3)
                  + " steady_send_ms="
                  + Result.fmt(steadySend, 3)
                  + " first_handled_ms="
                  + Result.fmt(first[2] / 1e6, 3)
                  + " steady_handled_ms="
                  + Result.fmt(steadyHandled, 3)
                  + " to_first_message_ms="
                  + Result.fmt(toFirst, 3)
                  + " send_ratio="
                  + Result.fmt(first[1] / 1e6 / steadySend, 3)
                  + " handled_ratio="
                  + Result.fmt(first[2] / 1e6 / steadyHandled, 3)
                  + " steady_messages="
                  + steady);
          System.out.flush();
        }
      }
      System.exit(0);
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  /** Sends one message; its start, start to confirm, start to handler, in nanoseconds. */
  private static long[] one(
      Workload.Producer producer,
      Payloads payloads,
      BlockingQueue<Long> handled,
      CompletableFuture<Throwable> failed)
      throws Exception {
    CompletableFuture<Long> confirmed = new CompletableFuture<>();
    Workload.SendCallback done =
        (n, error) -> {
          if (error != null) {
            confirmed.completeExceptionally(error);
          } else {
            confirmed.complete(System.nanoTime());
          }
        };
    long start = System.nanoTime();
    producer.send(payloads.next(), done);
    producer.flush(done);
    long confirm = confirmed.get(60, TimeUnit.SECONDS);
    Long receipt = handled.poll(60, TimeUnit.SECONDS);
    if (receipt == null) {
      Throwable error = failed.getNow(null);
      throw new IllegalStateException("no message reached the handler in 60 s", error);
    }
    return new long[] {start, confirm - start, receipt - start};
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
