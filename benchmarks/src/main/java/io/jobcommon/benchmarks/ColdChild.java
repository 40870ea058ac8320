package io.jobcommon.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of the {@code cold-start} mode: a fresh process that measures its own first message
 * against steady ones and prints one {@code COLD} line (milliseconds). Its {@code --role}:
 *
 * <ul>
 *   <li>{@code both}: sender and worker in this process: sends one message and waits for its
 *       confirm and its handler, then {@code steady} more one at a time;
 *   <li>{@code sender}: sends only, to {@code --queue}: first send to confirm against steady ones;
 *   <li>{@code worker}: consumes only, from {@code --queue}, where the parent left one message
 *       before this JVM started: JVM start and consumer start to its handler; then prints {@code
 *       NEXT} for each steady message the parent sends, send to handler (the body's send time).
 * </ul>
 *
 * One thread uses it.
 */
final class ColdChild {
  static final String NEXT = "NEXT";

  private final long mainNanos = System.nanoTime();
  private final long mainMillis = System.currentTimeMillis();
  private final long jvmStartMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
  private final Map<String, String> line = new LinkedHashMap<>();

  private ColdChild() {}

  /** The child: {@code --role} and {@code --queue}, then {@code run}'s options. */
  public static void main(String[] args) {
    ColdChild child = new ColdChild();
    try {
      Args a = new Args(Arrays.asList(args));
      String role = a.string("role", "both");
      String queue = a.string("queue", "bench-" + UUID.randomUUID().toString().substring(0, 8));
      BenchOptions o = BenchOptions.parse(a);
      int steady = o.messages() > 0 ? (int) Math.min(o.messages(), 10_000) : 20;
      child.line.put("broker", o.broker());
      child.line.put("client", o.client());
      child.line.put("tracing", o.tracing());
      child.line.put("role", role);
      child.line.put("jvm_to_main_ms", Long.toString(child.mainMillis - child.jvmStartMillis));
      try (BenchEnvironment env = new BenchEnvironment();
          Workload w = env.workload(o, queue)) {
        switch (role) {
          case "sender" -> child.sender(w, o, steady);
          case "worker" -> child.worker(w, steady);
          default -> child.both(w, o, steady);
        }
      }
      child.line.put("steady_messages", Integer.toString(steady));
      StringBuilder b = new StringBuilder(ColdStart.LINE.trim());
      child.line.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
      System.out.println(b);
      System.out.flush();
      System.exit(0);
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  /** Milliseconds from the JVM's start to {@code nanos}. */
  private double fromJvmStart(long nanos) {
    return (mainMillis - jvmStartMillis) + (nanos - mainNanos) / 1e6;
  }

  private void put(String key, double millis) {
    line.put(key, Result.fmt(millis, 3));
  }

  private void both(Workload w, BenchOptions o, int steady) throws Exception {
    BlockingQueue<Long> handled = new LinkedBlockingQueue<>();
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    w.startConsumers(body -> handled.add(System.nanoTime()), failed::complete);
    Payloads payloads = new Payloads(o.bodySize());
    try (Workload.Producer producer = w.producer()) {
      long setupDone = System.nanoTime();
      long[] first = one(producer, payloads);
      long firstReceipt = receipt(handled, failed);
      double[] sends = new double[steady];
      double[] handles = new double[steady];
      for (int i = 0; i < steady; i++) {
        long[] t = one(producer, payloads);
        sends[i] = (t[1] - t[0]) / 1e6;
        handles[i] = (receipt(handled, failed) - t[0]) / 1e6;
      }
      put("setup_ms", (setupDone - mainNanos) / 1e6);
      sendFigures(first, sends);
      handledFigures((firstReceipt - first[0]) / 1e6, handles);
      put("to_first_message_ms", fromJvmStart(firstReceipt));
    }
  }

  private void sender(Workload w, BenchOptions o, int steady) throws Exception {
    Payloads payloads = new Payloads(o.bodySize());
    try (Workload.Producer producer = w.producer()) {
      long setupDone = System.nanoTime();
      long[] first = one(producer, payloads);
      double[] sends = new double[steady];
      for (int i = 0; i < steady; i++) {
        long[] t = one(producer, payloads);
        sends[i] = (t[1] - t[0]) / 1e6;
      }
      put("setup_ms", (setupDone - mainNanos) / 1e6);
      sendFigures(first, sends);
      put("to_first_message_ms", fromJvmStart(first[1]));
    }
  }

  private void worker(Workload w, int steady) throws Exception {
    BlockingQueue<long[]> handled = new LinkedBlockingQueue<>();
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    w.startConsumers(
        body -> handled.add(new long[] {System.nanoTime(), Payloads.sentAt(body)}),
        failed::complete);
    long setupDone = System.nanoTime();
    long firstReceipt = take(handled, failed)[0];
    double[] handles = new double[steady];
    for (int i = 0; i < steady; i++) {
      System.out.println(NEXT);
      System.out.flush();
      long[] t = take(handled, failed);
      // The parent stamped its send time (System.nanoTime, one clock for the machine's processes).
      handles[i] = (t[0] - t[1]) / 1e6;
    }
    put("setup_ms", (setupDone - mainNanos) / 1e6);
    handledFigures((firstReceipt - setupDone) / 1e6, handles);
    put("to_first_message_ms", fromJvmStart(firstReceipt));
  }

  private void sendFigures(long[] first, double[] steadySends) {
    double firstSend = (first[1] - first[0]) / 1e6;
    double steadySend = median(steadySends);
    put("first_send_ms", firstSend);
    put("steady_send_ms", steadySend);
    put("send_ratio", firstSend / steadySend);
  }

  private void handledFigures(double firstHandled, double[] steadyHandles) {
    double steadyHandled = median(steadyHandles);
    put("first_handled_ms", firstHandled);
    put("steady_handled_ms", steadyHandled);
    put("handled_ratio", firstHandled / steadyHandled);
  }

  /** Sends one message and waits for its confirm; its start and confirm times, in nanoseconds. */
  static long[] one(Workload.Producer producer, Payloads payloads) throws Exception {
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
    return new long[] {start, confirmed.get(60, TimeUnit.SECONDS)};
  }

  private static long receipt(BlockingQueue<Long> handled, CompletableFuture<Throwable> failed)
      throws InterruptedException {
    Long t = handled.poll(60, TimeUnit.SECONDS);
    if (t == null) {
      throw new IllegalStateException(
          "no message reached the handler in 60 s", failed.getNow(null));
    }
    return t;
  }

  private static long[] take(BlockingQueue<long[]> handled, CompletableFuture<Throwable> failed)
      throws InterruptedException {
    long[] t = handled.poll(60, TimeUnit.SECONDS);
    if (t == null) {
      throw new IllegalStateException(
          "no message reached the handler in 60 s", failed.getNow(null));
    }
    return t;
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** The figures a role's summary gives medians of. */
  static List<String> figures(String role) {
    return switch (role) {
      case "sender" ->
          List.of(
              "jvm_to_main_ms",
              "setup_ms",
              "first_send_ms",
              "steady_send_ms",
              "to_first_message_ms",
              "send_ratio");
      case "worker" ->
          List.of(
              "jvm_to_main_ms",
              "setup_ms",
              "first_handled_ms",
              "steady_handled_ms",
              "to_first_message_ms",
              "handled_ratio");
      default ->
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
    };
  }
}
