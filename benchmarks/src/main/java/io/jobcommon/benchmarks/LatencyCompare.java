package io.jobcommon.benchmarks;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The {@code latency} mode: the broker behind a {@link LatencyProxy} that adds {@code
 * --added-latency} to every round trip, then rounds of the raw client with {@code --raw-consumers}
 * pollers/channels [1] and the SDK at {@code --consumers} alternating; prints every {@code RESULT}
 * line and a {@code LATENCY} line with the medians, the measured ratio sdk ÷ raw of consumed msg/s,
 * and the latency-bound ideal ratio (SDK consumers ÷ raw consumers) next to it. Every other option
 * is {@code run}'s; the SDK variant keeps {@code --tracing}. One thread uses it.
 */
final class LatencyCompare {
  static final String PREFIX = "LATENCY ";

  private final List<String> args;
  private final Duration addedRoundTrip;
  private final int rawConsumers;
  private final BenchOptions base;
  private final PrintStream out;

  private LatencyCompare(List<String> args, PrintStream out) {
    this.args = List.copyOf(args);
    this.out = out;
    Args a = new Args(args);
    this.addedRoundTrip = latency(a.string("added-latency", "20ms"));
    this.rawConsumers = (int) a.integer("raw-consumers", 1);
    this.base = BenchOptions.parse(a);
    if (base.broker().equals("in-memory")) {
      throw new IllegalArgumentException(
          "latency mode needs --broker rabbitmq or sqs (in-memory has no network to delay)");
    }
    if (rawConsumers < 1) {
      throw new IllegalArgumentException("--raw-consumers must be at least 1, was " + rawConsumers);
    }
  }

  /** Runs the mode with the options after {@code latency}; returns the exit status. */
  static int run(List<String> args, PrintStream out) throws Exception {
    return new LatencyCompare(args, out).run();
  }

  /** {@code 20ms}, {@code 0.02s} or {@code 20} (milliseconds). */
  static Duration latency(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return Duration.ofNanos(
            Math.round(Double.parseDouble(t.substring(0, t.length() - 2)) * 1e6));
      }
      if (t.endsWith("s")) {
        return Duration.ofNanos(
            Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1e9));
      }
      return Duration.ofNanos(Math.round(Double.parseDouble(t) * 1e6));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--added-latency must be like 20ms, 0.02s or 20 (ms), was '" + text + "'");
    }
  }

  private int run() throws Exception {
    SqsBroker embedded = null;
    try {
      URI target;
      if (base.broker().equals("sqs")) {
        String endpoint = base.sqsEndpoint();
        if (endpoint == null) {
          embedded = SqsBroker.embedded();
          target = embedded.endpoint();
        } else {
          target = URI.create(endpoint);
        }
      } else {
        target = URI.create(base.rabbitUri());
      }
      try (LatencyProxy proxy = LatencyProxy.start(target.getHost(), port(target), addedRoundTrip);
          BenchEnvironment env = new BenchEnvironment()) {
        List<String> via = new ArrayList<>(args);
        if (base.broker().equals("sqs")) {
          via.addAll(List.of("--sqs-endpoint", "http://127.0.0.1:" + proxy.port()));
        } else {
          via.addAll(List.of("--rabbit-uri", throughProxy(target, proxy.port())));
        }
        compare(env, via);
      }
      return 0;
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  private void compare(BenchEnvironment env, List<String> via) throws Exception {
    BenchOptions raw =
        options(via, "--client", "raw", "--tracing", "off", "--consumers", "" + rawConsumers);
    BenchOptions sdk = options(via, "--client", "sdk");
    if (!base.warmup().isZero()) {
      print(new LoadRun(raw.withDuration(base.warmup())).run(env.workload(raw)), "warmup");
      print(new LoadRun(sdk.withDuration(base.warmup())).run(env.workload(sdk)), "warmup");
    }
    List<Result> raws = new ArrayList<>();
    List<Result> sdks = new ArrayList<>();
    for (int round = 1; round <= base.rounds(); round++) {
      raws.add(print(new LoadRun(raw).run(env.workload(raw)), "" + round));
      sdks.add(print(new LoadRun(sdk).run(env.workload(sdk)), "" + round));
    }
    double rawRate = Compare.median(raws, Result::consumedPerSecond);
    double sdkRate = Compare.median(sdks, Result::consumedPerSecond);
    double measured = sdkRate / rawRate;
    double ideal = (double) base.consumers() / rawConsumers;
    out.println(
        PREFIX
            + "broker="
            + base.broker()
            + " added_latency_ms="
            + Result.fmt(addedRoundTrip.toNanos() / 1e6, 1)
            + " rounds="
            + base.rounds()
            + " raw_consumers="
            + rawConsumers
            + " sdk_consumers="
            + base.consumers()
            + " raw_consumed_per_s="
            + Result.fmt(rawRate, 1)
            + " sdk_consumed_per_s="
            + Result.fmt(sdkRate, 1)
            + " raw_sent_per_s="
            + Result.fmt(Compare.median(raws, Result::sentPerSecond), 1)
            + " sdk_sent_per_s="
            + Result.fmt(Compare.median(sdks, Result::sentPerSecond), 1)
            + " sdk_vs_raw="
            + Result.fmt(measured, 3)
            + " ideal_sdk_vs_raw="
            + Result.fmt(ideal, 3)
            + " of_ideal="
            + Result.fmt(measured / ideal, 3));
    out.flush();
  }

  private Result print(Result r, String round) {
    Result shown =
        r.with("round", round)
            .with("added_latency_ms", Result.fmt(addedRoundTrip.toNanos() / 1e6, 1));
    out.println(shown.toLine());
    out.flush();
    return shown;
  }

  /** The options with {@code overrides} after the given ones (a later value wins). */
  private static BenchOptions options(List<String> given, String... overrides) {
    List<String> all = new ArrayList<>(given);
    all.addAll(List.of(overrides));
    Args a = new Args(all);
    a.optional("added-latency");
    a.optional("raw-consumers");
    return BenchOptions.parse(a);
  }

  private static int port(URI uri) {
    if (uri.getPort() > 0) {
      return uri.getPort();
    }
    return switch (String.valueOf(uri.getScheme())) {
      case "amqp" -> 5672;
      case "amqps" -> 5671;
      case "https" -> 443;
      default -> 80;
    };
  }

  /** The RabbitMQ URI with 127.0.0.1:{@code port} for its host and port (path kept raw). */
  static String throughProxy(URI uri, int port) {
    @Nullable String user = uri.getRawUserInfo();
    @Nullable String query = uri.getRawQuery();
    return uri.getScheme()
        + "://"
        + (user != null ? user + "@" : "")
        + "127.0.0.1:"
        + port
        + (uri.getRawPath() != null ? uri.getRawPath() : "")
        + (query != null ? "?" + query : "");
  }
}
