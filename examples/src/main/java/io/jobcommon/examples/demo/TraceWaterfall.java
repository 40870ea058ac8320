package io.jobcommon.examples.demo;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Prints finished spans as one indented waterfall per trace: service, span name (indented under its
 * parent), kind, a bar placing the span in the trace's time, its duration and status. ASCII only,
 * so it reads the same in any terminal and CI log. Stateless.
 */
final class TraceWaterfall {
  static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final int BAR = 32;
  private static final int NAME = 50;
  private static final int SERVICE = 22;

  private TraceWaterfall() {}

  static void print(List<SpanData> spans, PrintStream out) {
    for (Map.Entry<String, List<SpanData>> trace : TraceCheck.byTrace(spans).entrySet()) {
      printTrace(trace.getKey(), trace.getValue(), out);
    }
  }

  private static void printTrace(String traceId, List<SpanData> spans, PrintStream out) {
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    Set<String> ids = new HashSet<>();
    for (SpanData s : spans) {
      start = Math.min(start, s.getStartEpochNanos());
      end = Math.max(end, s.getEndEpochNanos());
      ids.add(s.getSpanId());
    }
    Map<String, List<SpanData>> children = new HashMap<>();
    List<SpanData> tops = new ArrayList<>();
    for (SpanData s : spans) { // already in start order
      if (s.getParentSpanContext().isValid() && ids.contains(s.getParentSpanId())) {
        children.computeIfAbsent(s.getParentSpanId(), k -> new ArrayList<>()).add(s);
      } else {
        tops.add(s);
      }
    }
    long total = Math.max(1, end - start);
    out.printf(Locale.ROOT, "trace %s  %d spans  %s%n", traceId, spans.size(), millis(total));
    out.printf(
        Locale.ROOT,
        "  %-" + SERVICE + "s %-" + NAME + "s %-8s %-" + (BAR + 2) + "s %9s  %s%n",
        "SERVICE",
        "SPAN",
        "KIND",
        "",
        "DURATION",
        "STATUS");
    for (SpanData top : tops) {
      printSpan(top, 0, children, start, total, out);
    }
    out.println();
  }

  private static void printSpan(
      SpanData s,
      int depth,
      Map<String, List<SpanData>> children,
      long traceStart,
      long total,
      PrintStream out) {
    String service = s.getResource().getAttribute(SERVICE_NAME);
    String name = "  ".repeat(depth) + s.getName();
    if (s.getParentSpanContext().isValid() && depth == 0) {
      name = name + " (parent missing)";
    }
    out.printf(
        Locale.ROOT,
        "  %-" + SERVICE + "s %-" + NAME + "s %-8s |%s| %9s  %s%n",
        clip(service == null ? "?" : service, SERVICE),
        clip(name, NAME),
        s.getKind(),
        bar(s.getStartEpochNanos() - traceStart, s.getEndEpochNanos() - traceStart, total),
        millis(s.getEndEpochNanos() - s.getStartEpochNanos()),
        status(s));
    for (SpanData child : children.getOrDefault(s.getSpanId(), List.of())) {
      printSpan(child, depth + 1, children, traceStart, total, out);
    }
  }

  /**
   * The span's place in the trace: dots before and after, {@code #} while it runs (at least one).
   */
  static String bar(long from, long to, long total) {
    int a = (int) Math.min(BAR - 1, from * BAR / total);
    int b = (int) Math.max(a + 1, Math.min(BAR, (to * BAR + total - 1) / total));
    return ".".repeat(a) + "#".repeat(b - a) + ".".repeat(BAR - b);
  }

  private static String status(SpanData s) {
    StatusCode code = s.getStatus().getStatusCode();
    String description = s.getStatus().getDescription();
    if (code == StatusCode.ERROR) {
      return description.isEmpty() ? "ERROR" : "ERROR " + description;
    }
    return code == StatusCode.OK ? "OK" : "-";
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.1f ms", nanos / 1_000_000.0);
  }

  private static String clip(String s, int width) {
    return s.length() <= width ? s : s.substring(0, width - 1) + "~";
  }
}
