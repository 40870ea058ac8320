package io.jobcommon.benchmarks;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code export-ceiling} mode: how many spans per second this machine exports over OTLP/HTTP to
 * a sink in another JVM, with the batch span processor's settings of {@code run}. {@code
 * --producers} threads start and end spans shaped like a message's (kind, six attributes) as fast
 * as they can for {@code --duration}; the processor drops what it cannot queue. Prints one {@code
 * CEILING} line: spans created, exported and dropped, and exported spans per second (until the
 * final flush ended). One thread uses it.
 */
final class ExportCeiling {
  static final String PREFIX = "CEILING ";

  private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  private static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  private static final AttributeKey<String> OPERATION =
      AttributeKey.stringKey("messaging.operation.type");
  private static final AttributeKey<String> MESSAGE_ID =
      AttributeKey.stringKey("messaging.message.id");
  private static final AttributeKey<Long> BODY_SIZE =
      AttributeKey.longKey("messaging.message.body.size");
  private static final AttributeKey<String> JOB_TYPE = AttributeKey.stringKey("jc.job_type");

  private ExportCeiling() {}

  /** Runs the mode with the options after {@code export-ceiling}; returns the exit status. */
  static int run(List<String> args, PrintStream out) throws Exception {
    Args a = new Args(args);
    BenchOptions o = BenchOptions.parse(a);
    String sinkUrl = o.sinkUrl();
    try (SinkProcess sink =
        sinkUrl != null ? SinkProcess.external(sinkUrl) : SinkProcess.launch()) {
      Telemetry telemetry = new Telemetry(o, sink.baseUrl(), sink::spans);
      Tracer tracer = telemetry.openTelemetry().getTracer("io.jobcommon.benchmarks.ceiling");
      long start = System.nanoTime();
      long deadline = start + o.duration().toNanos();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < o.producers(); i++) {
        Thread t = new Thread(() -> spansUntil(tracer, deadline), "bench-spans-" + i);
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) {
        t.join();
      }
      double createSeconds = (System.nanoTime() - start) / 1e9;
      telemetry.close(); // the final flush: what was queued is exported or dropped
      double seconds = (System.nanoTime() - start) / 1e9;
      Map<String, String> f = telemetry.figures();
      long created = Long.parseLong(f.get("spans_created"));
      long exported = Long.parseLong(f.get("spans_exported"));
      out.println(
          PREFIX
              + "threads="
              + o.producers()
              + " seconds="
              + Result.fmt(seconds, 3)
              + " spans_created="
              + created
              + " spans_exported="
              + exported
              + " spans_dropped="
              + f.get("spans_dropped")
              + " sink_spans="
              + f.getOrDefault("sink_spans", "-1")
              + " created_per_s="
              + Result.fmt(created / createSeconds, 1)
              + " exported_per_s="
              + Result.fmt(exported / seconds, 1)
              + " bsp_queue="
              + f.get("bsp_queue")
              + " bsp_batch="
              + f.get("bsp_batch")
              + " bsp_delay_ms="
              + f.get("bsp_delay_ms"));
      out.flush();
      return 0;
    }
  }

  private static void spansUntil(Tracer tracer, long deadline) {
    long n = 0;
    while ((n & 63) != 0 || System.nanoTime() < deadline) {
      Span span =
          tracer
              .spanBuilder("bench-queue " + ((n & 1) == 0 ? "send" : "process"))
              .setSpanKind((n & 1) == 0 ? SpanKind.PRODUCER : SpanKind.CONSUMER)
              .setAttribute(SYSTEM, "rabbitmq")
              .setAttribute(DESTINATION, "bench-queue")
              .setAttribute(OPERATION, (n & 1) == 0 ? "send" : "process")
              .setAttribute(MESSAGE_ID, Long.toHexString(n))
              .setAttribute(BODY_SIZE, 1024L)
              .setAttribute(JOB_TYPE, "bench")
              .startSpan();
      span.end();
      n++;
    }
  }
}
