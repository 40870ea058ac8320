package io.jobcommon.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The {@code cold-start} mode: time to the first message of a fresh process. Each of {@code
 * --rounds} child JVMs ({@link ColdChild}, the variant of {@code --client}/{@code --tracing}) plays
 * {@code --role}: {@code both} (sender and worker in one process, the default), {@code sender}
 * (sends only) or {@code worker} (consumes only, what this parent sends: one message left waiting
 * before the child starts, then {@code --messages} [20] steady ones, one each time the child asks).
 * Each child prints a {@code COLD} line (milliseconds): {@code jvm_to_main_ms}, {@code setup_ms}
 * (client, connections, consumers), {@code first_send_ms} / {@code steady_send_ms} (send to
 * confirm: the sender's cost), {@code first_handled_ms} / {@code steady_handled_ms} (send to the
 * handler; for a worker, its consumer's start to the handler of the waiting message), {@code
 * to_first_message_ms} (JVM start to the first confirm for a sender, to the first handler call
 * otherwise) and the ratios first ÷ steady; then a {@code COLDSTART} line with the medians. An
 * embedded ElasticMQ runs in this parent, warm, not in the child. One thread uses it.
 */
final class ColdStart {
  static final String LINE = "COLD ";
  static final String PREFIX = "COLDSTART ";
  private static final List<String> ROLES = List.of("both", "sender", "worker");

  private ColdStart() {}

  /** Runs the mode (the parent) with the options after {@code cold-start}. */
  static int run(List<String> args, PrintStream out) throws Exception {
    Args a = new Args(args);
    String role = a.string("role", "both");
    BenchOptions o = BenchOptions.parse(a);
    if (!ROLES.contains(role)) {
      throw new IllegalArgumentException("--role must be both, sender or worker, was " + role);
    }
    if (!role.equals("both") && o.broker().equals("in-memory")) {
      throw new IllegalArgumentException(
          "--role " + role + " needs a broker another process reaches: --broker rabbitmq or sqs");
    }
    List<Map<String, String>> rounds = new ArrayList<>();
    try (BenchEnvironment env = new BenchEnvironment()) {
      List<String> childArgs = new ArrayList<>(args);
      if (o.broker().equals("sqs") && o.sqsEndpoint() == null) {
        childArgs.addAll(List.of("--sqs-endpoint", env.sqsEndpoint(o)));
      }
      for (int round = 1; round <= o.rounds(); round++) {
        String queue = "bench-cold-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> command = new ArrayList<>(childArgs);
        command.addAll(List.of("--queue", queue));
        String line = role.equals("worker") ? worker(env, o, command, queue) : child(command, null);
        out.println(line + " round=" + round);
        out.flush();
        rounds.add(parse(line));
      }
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
            .append(o.rounds())
            .append(" role=")
            .append(role);
    for (String f : ColdChild.figures(role)) {
      double[] v = rounds.stream().mapToDouble(m -> Double.parseDouble(m.get(f))).toArray();
      b.append(' ').append(f).append('=').append(Result.fmt(ColdChild.median(v), 3));
    }
    out.println(b);
    out.flush();
    return 0;
  }

  static Map<String, String> parse(String line) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String part : line.substring(LINE.length()).trim().split(" +")) {
      int eq = part.indexOf('=');
      m.put(part.substring(0, eq), part.substring(eq + 1));
    }
    return m;
  }

  /** A worker round: one message waiting before the child starts, then one per NEXT it prints. */
  private static String worker(
      BenchEnvironment env, BenchOptions o, List<String> command, String queue) throws Exception {
    BenchOptions sending = o.withVariant("sdk", "off");
    Payloads payloads = new Payloads(o.bodySize());
    try (Workload w = env.workload(sending, queue);
        Workload.Producer producer = w.producer()) {
      ColdChild.one(producer, payloads);
      List<String> worker = new ArrayList<>(command);
      worker.addAll(List.of("--role", "worker"));
      return child(
          worker,
          () -> {
            try {
              ColdChild.one(producer, payloads);
            } catch (Exception e) {
              throw new IllegalStateException("the parent's send failed: " + e, e);
            }
          });
    }
  }

  /** Runs a child JVM to its COLD line; {@code onNext} runs at each NEXT line it prints. */
  private static String child(List<String> args, @Nullable Runnable onNext)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), ColdChild.class.getName()));
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
        } else if (line.equals(ColdChild.NEXT) && onNext != null) {
          onNext.run();
          continue;
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
}
