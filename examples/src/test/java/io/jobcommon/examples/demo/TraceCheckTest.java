package io.jobcommon.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The trace check, the completion condition and the waterfall, on spans of a real SDK. */
class TraceCheckTest {
  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final SdkTracerProvider provider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  private final Tracer tracer = provider.get("test");

  @AfterEach
  void shutdown() {
    provider.close();
  }

  private Span start(String name, SpanKind kind, Span parent) {
    return tracer
        .spanBuilder(name)
        .setSpanKind(kind)
        .setParent(Context.root().with(parent))
        .startSpan();
  }

  private Span send(Span parent) {
    return tracer
        .spanBuilder("send q")
        .setSpanKind(SpanKind.PRODUCER)
        .setParent(Context.root().with(parent))
        .setAttribute(TraceCheck.OPERATION_TYPE, "send")
        .startSpan();
  }

  private Span process(Span send, String settlement) {
    return tracer
        .spanBuilder("process q")
        .setSpanKind(SpanKind.CONSUMER)
        .setParent(Context.root().with(send))
        .setAttribute(TraceCheck.OPERATION_TYPE, "process")
        .setAttribute(TraceCheck.SETTLEMENT, settlement)
        .startSpan();
  }

  @Test
  void aTreeWithOneRootIsConnected() {
    Span root = tracer.spanBuilder("root").setNoParent().startSpan();
    Span child = start("child", SpanKind.INTERNAL, root);
    child.end();
    root.end();
    TraceCheck.Result result = TraceCheck.check(exporter.getFinishedSpanItems());
    assertThat(result.connected()).isTrue();
    assertThat(result.summary())
        .isEqualTo(
            "summary: 1 trace, 2 spans, every trace connected (one root, every parent present)");
  }

  @Test
  void aMissingParentBreaksTheTrace() {
    Span root = tracer.spanBuilder("root").setNoParent().startSpan();
    Span child = start("child", SpanKind.INTERNAL, root);
    child.end(); // the root never ends: it is never exported
    TraceCheck.Result result = TraceCheck.check(exporter.getFinishedSpanItems());
    assertThat(result.connected()).isFalse();
    assertThat(result.summary())
        .contains("1 broken")
        .contains("0 roots")
        .contains("parent " + root.getSpanContext().getSpanId() + " of 'child' missing");
  }

  @Test
  void twoRootsInOneTraceBreakIt() {
    Span root = tracer.spanBuilder("root").setNoParent().startSpan();
    root.end();
    // A second span claiming no parent but the same trace id cannot be built with the API; a
    // trace with a root and an orphan is the realistic case (a process span whose sender is gone).
    Span orphan =
        tracer
            .spanBuilder("orphan")
            .setParent(
                Context.root()
                    .with(
                        Span.wrap(
                            io.opentelemetry.api.trace.SpanContext.create(
                                root.getSpanContext().getTraceId(),
                                "00f067aa0ba902b7",
                                root.getSpanContext().getTraceFlags(),
                                root.getSpanContext().getTraceState()))))
            .startSpan();
    orphan.end();
    TraceCheck.Result result = TraceCheck.check(exporter.getFinishedSpanItems());
    assertThat(result.problems()).singleElement().asString().contains("'orphan' missing");
  }

  @Test
  void workIsDoneOnlyWhenEverySendHasASettledProcessSpan() {
    Span root = tracer.spanBuilder("root").setNoParent().startSpan();
    Span send = send(root);
    send.end();
    root.end();
    assertThat(TraceCheck.allMessagesProcessed(exporter.getFinishedSpanItems())).isFalse();
    process(send, "retry").end();
    assertThat(TraceCheck.allMessagesProcessed(exporter.getFinishedSpanItems())).isFalse();
    process(send, "ack").end();
    assertThat(TraceCheck.allMessagesProcessed(exporter.getFinishedSpanItems())).isTrue();
  }

  @Test
  void waterfallIndentsChildrenUnderTheirParentWithServiceKindAndBar() {
    Span root = tracer.spanBuilder("POST /upload").setSpanKind(SpanKind.CLIENT).startSpan();
    Span send = send(root);
    send.end();
    process(send, "ack").end();
    root.end();
    List<SpanData> spans = exporter.getFinishedSpanItems();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TraceWaterfall.print(spans, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines.get(0))
        .startsWith("trace " + root.getSpanContext().getTraceId() + "  3 spans");
    assertThat(lines.get(2)).contains(" POST /upload ").contains("CLIENT").contains("|#");
    assertThat(lines.get(3)).contains("   send q ").contains("PRODUCER");
    assertThat(lines.get(4)).contains("     process q ").contains("CONSUMER");
  }

  @Test
  void barPlacesTheSpanInTheTrace() {
    assertThat(TraceWaterfall.bar(0, 100, 100)).isEqualTo("#".repeat(32));
    assertThat(TraceWaterfall.bar(50, 100, 100)).isEqualTo(".".repeat(16) + "#".repeat(16));
    assertThat(TraceWaterfall.bar(100, 100, 100)).isEqualTo(".".repeat(31) + "#");
  }
}
