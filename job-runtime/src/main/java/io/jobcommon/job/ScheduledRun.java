package io.jobcommon.job;

import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.tracing.MessagingTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** One run of a {@link ScheduledJob} inside its own root span. */
final class ScheduledRun {
  private static final Logger log = LoggerFactory.getLogger(ScheduledRun.class);

  static final AttributeKey<String> JOB_NAME = AttributeKey.stringKey("job.name");
  static final AttributeKey<String> FAAS_TRIGGER = AttributeKey.stringKey("faas.trigger");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  private ScheduledRun() {}

  /**
   * Runs {@code job} under a new root span, whatever span is current: each cron run is its own
   * trace, with its own sampling decision.
   *
   * @return 0 when the job returned, 1 when it threw
   */
  @SuppressWarnings("try") // the scope is used by being open
  static int run(Tracer tracer, MessageClient client, String jobName, ScheduledJob job) {
    Span span =
        tracer
            .spanBuilder(jobName)
            .setNoParent()
            .setSpanKind(SpanKind.INTERNAL)
            .setAttribute(JOB_NAME, jobName)
            .setAttribute(FAAS_TRIGGER, "timer")
            .startSpan();
    SpanContext sc = span.getSpanContext();
    long started = System.nanoTime();
    int exitCode;
    try (Scope scope = span.makeCurrent()) {
      MDC.put("trace_id", sc.getTraceId());
      MDC.put("span_id", sc.getSpanId());
      MDC.put("trace_flags", sc.getTraceFlags().asHex());
      log.info("scheduled job {} started (trace {})", jobName, sc.getTraceId());
      job.run(new Ctx(jobName, client, span));
      exitCode = 0;
      log.info(
          "scheduled job {} finished in {} ms", jobName, (System.nanoTime() - started) / 1_000_000);
    } catch (Throwable failure) { // an Error fails the run too, and must still reach the trace
      if (failure instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      span.recordException(failure);
      span.setAttribute(ERROR_TYPE, failure.getClass().getName());
      span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
      log.error(
          "scheduled job {} failed after {} ms (trace {})",
          jobName,
          (System.nanoTime() - started) / 1_000_000,
          sc.getTraceId(),
          failure);
      exitCode = 1;
      if (failure instanceof VirtualMachineError) {
        throw (VirtualMachineError) failure;
      }
    } finally {
      MDC.remove("trace_id");
      MDC.remove("span_id");
      MDC.remove("trace_flags");
      span.end();
    }
    return exitCode;
  }

  private static final class Ctx implements ScheduledJobContext {
    private final String jobName;
    private final MessageClient client;
    private final Span span;

    Ctx(String jobName, MessageClient client, Span span) {
      this.jobName = jobName;
      this.client = client;
      this.span = span;
    }

    @Override
    public String jobName() {
      return jobName;
    }

    @Override
    public MessageClient client() {
      return client;
    }

    @Override
    public String traceId() {
      return span.getSpanContext().getTraceId();
    }

    @Override
    public Optional<String> traceparent() {
      return MessagingTelemetry.traceparent(Context.root().with(span));
    }

    @Override
    public String toString() {
      return "ScheduledJobContext{job=" + jobName + ", traceId=" + traceId() + "}";
    }
  }
}
