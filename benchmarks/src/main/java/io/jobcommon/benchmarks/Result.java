package io.jobcommon.benchmarks;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One run's figures, printed as one {@code RESULT key=value ...} line; {@code extra} holds
 * mode-specific figures (spans, rounds) appended after the standard ones. Immutable.
 */
record Result(
    String broker,
    String client,
    String tracing,
    long sent,
    long consumed,
    double sentPerSecond,
    double consumedPerSecond,
    double p50Millis,
    double p99Millis,
    double heapPeakMegabytes,
    Map<String, String> extra) {

  static final String PREFIX = "RESULT ";

  Result {
    extra = Map.copyOf(new LinkedHashMap<>(extra));
  }

  /** A copy with {@code key=value} added to the extra figures. */
  Result with(String key, Object value) {
    Map<String, String> m = new LinkedHashMap<>(extra);
    m.put(key, String.valueOf(value));
    return new Result(
        broker,
        client,
        tracing,
        sent,
        consumed,
        sentPerSecond,
        consumedPerSecond,
        p50Millis,
        p99Millis,
        heapPeakMegabytes,
        m);
  }

  /** The variant's name as compare mode prints it: raw, sdk-off, sdk-on. */
  String variant() {
    return client.equals("raw") ? "raw" : client + "-" + tracing;
  }

  /** The line: standard keys first, in the documented order, then the extras sorted by name. */
  String toLine() {
    StringBuilder b =
        new StringBuilder(PREFIX)
            .append("broker=")
            .append(broker)
            .append(" client=")
            .append(client)
            .append(" tracing=")
            .append(tracing)
            .append(" sent_per_s=")
            .append(fmt(sentPerSecond, 1))
            .append(" consumed_per_s=")
            .append(fmt(consumedPerSecond, 1))
            .append(" p50_ms=")
            .append(fmt(p50Millis, 3))
            .append(" p99_ms=")
            .append(fmt(p99Millis, 3))
            .append(" heap_peak_mb=")
            .append(fmt(heapPeakMegabytes, 1))
            .append(" sent=")
            .append(sent)
            .append(" consumed=")
            .append(consumed);
    extra.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> b.append(' ').append(e.getKey()).append('=').append(e.getValue()));
    return b.toString();
  }

  /** Parses a line written by {@link #toLine()}. */
  static Result parse(String line) {
    if (!line.startsWith(PREFIX)) {
      throw new IllegalArgumentException("not a RESULT line: " + line);
    }
    Map<String, String> kv = new LinkedHashMap<>();
    for (String part : line.substring(PREFIX.length()).trim().split(" +", -1)) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("malformed field '" + part + "' in: " + line);
      }
      kv.put(part.substring(0, eq), part.substring(eq + 1));
    }
    Result r =
        new Result(
            take(kv, "broker"),
            take(kv, "client"),
            take(kv, "tracing"),
            Long.parseLong(take(kv, "sent")),
            Long.parseLong(take(kv, "consumed")),
            Double.parseDouble(take(kv, "sent_per_s")),
            Double.parseDouble(take(kv, "consumed_per_s")),
            Double.parseDouble(take(kv, "p50_ms")),
            Double.parseDouble(take(kv, "p99_ms")),
            Double.parseDouble(take(kv, "heap_peak_mb")),
            kv);
    return r;
  }

  private static String take(Map<String, String> kv, String key) {
    String v = kv.remove(key);
    if (v == null) {
      throw new IllegalArgumentException("RESULT line lacks " + key);
    }
    return v;
  }

  static String fmt(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }
}
