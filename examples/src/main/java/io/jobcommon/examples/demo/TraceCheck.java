package io.jobcommon.examples.demo;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a set of finished spans: whether each trace is connected (exactly one root, and the parent
 * of every other span is in the trace), and whether every message sent has been processed.
 * Stateless.
 */
final class TraceCheck {
  static final AttributeKey<String> OPERATION_TYPE =
      AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<Long> BATCH_COUNT =
      AttributeKey.longKey("messaging.batch.message_count");
  static final AttributeKey<String> SETTLEMENT = AttributeKey.stringKey("jc.settlement");

  /**
   * What the check found.
   *
   * @param traces how many traces
   * @param spans how many spans
   * @param problems one line per broken trace; empty when every trace is connected
   */
  record Result(int traces, int spans, List<String> problems) {
    Result {
      problems = List.copyOf(problems);
    }

    boolean connected() {
      return problems.isEmpty();
    }

    /** The summary line the demo prints last. */
    String summary() {
      String counts =
          traces
              + (traces == 1 ? " trace, " : " traces, ")
              + spans
              + (spans == 1 ? " span" : " spans");
      return connected()
          ? "summary: " + counts + ", every trace connected (one root, every parent present)"
          : "summary: "
              + counts
              + ", "
              + problems.size()
              + " broken: "
              + String.join("; ", problems);
    }
  }

  private TraceCheck() {}

  /** Spans grouped by trace id, each trace in the order its first span started. */
  static Map<String, List<SpanData>> byTrace(List<SpanData> spans) {
    List<SpanData> sorted = new ArrayList<>(spans);
    sorted.sort((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos()));
    Map<String, List<SpanData>> traces = new LinkedHashMap<>();
    for (SpanData s : sorted) {
      traces.computeIfAbsent(s.getTraceId(), k -> new ArrayList<>()).add(s);
    }
    return traces;
  }

  static Result check(List<SpanData> spans) {
    Map<String, List<SpanData>> traces = byTrace(spans);
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, List<SpanData>> trace : traces.entrySet()) {
      Set<String> ids = new HashSet<>();
      for (SpanData s : trace.getValue()) {
        ids.add(s.getSpanId());
      }
      int roots = 0;
      List<String> missing = new ArrayList<>();
      for (SpanData s : trace.getValue()) {
        if (!s.getParentSpanContext().isValid()) {
          roots++;
        } else if (!ids.contains(s.getParentSpanId())) {
          missing.add("parent " + s.getParentSpanId() + " of '" + s.getName() + "' missing");
        }
      }
      if (roots != 1 || !missing.isEmpty()) {
        List<String> why = new ArrayList<>();
        if (roots != 1) {
          why.add(roots + " roots");
        }
        why.addAll(missing);
        problems.add("trace " + trace.getKey() + ": " + String.join(", ", why));
      }
    }
    return new Result(traces.size(), spans.size(), problems);
  }

  /**
   * Whether every message a successful send span sent has a process span that settled it for good
   * (ack or dead letter). A process span ends only after its handler returned and its message was
   * settled, and a handler's own sends end before that, so once this holds no work is left.
   */
  static boolean allMessagesProcessed(List<SpanData> spans) {
    Map<String, Long> settledByParent = new HashMap<>();
    for (SpanData s : spans) {
      if (s.getKind() == SpanKind.CONSUMER
          && "process".equals(s.getAttributes().get(OPERATION_TYPE))) {
        String settlement = s.getAttributes().get(SETTLEMENT);
        if ("ack".equals(settlement) || "dead_letter".equals(settlement)) {
          settledByParent.merge(s.getParentSpanId(), 1L, Long::sum);
        }
      }
    }
    for (SpanData s : spans) {
      if (s.getKind() == SpanKind.PRODUCER
          && "send".equals(s.getAttributes().get(OPERATION_TYPE))
          && s.getStatus().getStatusCode() != StatusCode.ERROR) {
        Long count = s.getAttributes().get(BATCH_COUNT);
        long expected = count == null ? 1 : count;
        if (settledByParent.getOrDefault(s.getSpanId(), 0L) < expected) {
          return false;
        }
      }
    }
    return true;
  }
}
