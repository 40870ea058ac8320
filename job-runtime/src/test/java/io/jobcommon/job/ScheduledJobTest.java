package io.jobcommon.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.messaging.testing.InMemoryMessage;
import io.jobcommon.messaging.testing.InMemoryTransport;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** runScheduled: a fresh root trace per run, children for its messages, failures visible. */
class ScheduledJobTest {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private OpenTelemetrySdk otel;
  private InMemoryTransport broker;
  private JobRuntime runtime;

  record MatchRequest(String org) {}

  @BeforeEach
  void setUp() {
    otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .build();
    broker = InMemoryTransport.create();
    runtime =
        JobRuntime.builder()
            .setTransport(broker)
            .setOpenTelemetry(otel)
            .setRegisterShutdownHook(false)
            .build();
  }

  @AfterEach
  void tearDown() {
    runtime.close();
    broker.close();
    otel.close();
  }

  @Test
  void theRunIsAnInternalRootSpanNamedAfterTheJob() {
    int code = runtime.runScheduled("daily-vuln-match", ctx -> {});

    assertThat(code).isZero();
    SpanData root = only("daily-vuln-match");
    assertThat(root.getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(root.getParentSpanContext().isValid()).isFalse();
    assertThat(root.getAttributes().get(ScheduledRun.JOB_NAME)).isEqualTo("daily-vuln-match");
    assertThat(root.getAttributes().get(ScheduledRun.FAAS_TRIGGER)).isEqualTo("timer");
    assertThat(root.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  @SuppressWarnings("try")
  void aRunInsideAnActiveSpanStillStartsANewTrace() {
    Span outer = otel.getTracer("test").spanBuilder("outer").startSpan();
    try (Scope ignored = outer.makeCurrent()) {
      runtime.runScheduled("nightly", ctx -> {});
    } finally {
      outer.end();
    }

    SpanData root = only("nightly");
    assertThat(root.getParentSpanContext().isValid()).isFalse();
    assertThat(root.getTraceId()).isNotEqualTo(outer.getSpanContext().getTraceId());
  }

  @Test
  void twoRunsGiveTwoTraceIds() {
    runtime.runScheduled("nightly", ctx -> {});
    runtime.runScheduled("nightly", ctx -> {});

    List<SpanData> runs =
        spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("nightly")).toList();
    assertThat(runs).hasSize(2);
    assertThat(runs.get(0).getTraceId()).isNotEqualTo(runs.get(1).getTraceId());
  }

  @Test
  void messagesSentInTheJobAreChildrenOfItsRoot() {
    AtomicReference<String> traceId = new AtomicReference<>();
    AtomicReference<String> traceparent = new AtomicReference<>();
    AtomicReference<String> mdcTraceId = new AtomicReference<>();
    runtime.runScheduled(
        "daily-vuln-match",
        ctx -> {
          traceId.set(ctx.traceId());
          traceparent.set(ctx.traceparent().orElseThrow());
          mdcTraceId.set(MDC.get("trace_id"));
          for (String org : List.of("o1", "o2")) {
            ctx.client().send("vulnerability-match-queue", new MatchRequest(org));
          }
        });

    SpanData root = only("daily-vuln-match");
    assertThat(traceId.get()).isEqualTo(root.getTraceId());
    assertThat(mdcTraceId.get()).isEqualTo(root.getTraceId());
    assertThat(MDC.get("trace_id")).isNull();
    assertThat(traceparent.get())
        .startsWith("00-" + root.getTraceId() + "-" + root.getSpanId() + "-");
    List<SpanData> sends =
        spans.getFinishedSpanItems().stream()
            .filter(s -> s.getKind() == SpanKind.PRODUCER)
            .toList();
    assertThat(sends).hasSize(2);
    for (SpanData send : sends) {
      assertThat(send.getTraceId()).isEqualTo(root.getTraceId());
      assertThat(send.getParentSpanId()).isEqualTo(root.getSpanId());
    }
    List<InMemoryMessage> sent = broker.sentTo("vulnerability-match-queue");
    assertThat(sent).hasSize(2);
    for (InMemoryMessage m : sent) {
      assertThat(m.header("traceparent").orElseThrow()).contains(root.getTraceId());
    }
  }

  @Test
  void aFailingJobGivesExitCode1AndAnErrorSpan() {
    int code =
        runtime.runScheduled(
            "nightly",
            ctx -> {
              throw new IllegalStateException("feed unavailable");
            });

    assertThat(code).isEqualTo(JobRuntime.EXIT_FAILURE);
    SpanData root = only("nightly");
    assertThat(root.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(root.getStatus().getDescription()).isEqualTo("feed unavailable");
    assertThat(root.getAttributes().get(ScheduledRun.ERROR_TYPE))
        .isEqualTo(IllegalStateException.class.getName());
    assertThat(root.getEvents()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
  }

  @Test
  void anErrorThrownByTheJobAlsoFailsTheRun() {
    int code =
        runtime.runScheduled(
            "nightly",
            ctx -> {
              throw new AssertionError("broken invariant");
            });

    assertThat(code).isEqualTo(JobRuntime.EXIT_FAILURE);
    assertThat(only("nightly").getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  private SpanData only(String name) {
    List<SpanData> matching =
        spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(matching).hasSize(1);
    return matching.get(0);
  }
}
