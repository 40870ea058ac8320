package io.jobcommon.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.examples.domain.Component;
import io.jobcommon.examples.domain.SbomUploaded;
import io.jobcommon.examples.sbom.SbomProcessJob;
import io.jobcommon.job.sampling.JobSampling;
import io.jobcommon.messaging.Dispatcher;
import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.testing.InMemoryTransport;
import io.jobcommon.messaging.tracing.MessagingTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's examples that are not a whole example class, run with the examples' types. The
 * regions between {@code snippet:start} and {@code snippet:end} are what the README shows ({@link
 * ReadmeSnippetsTest} compares them).
 */
class ReadmeExamplesTest {
  private static final List<Component> COMPONENTS = List.of(new Component("log4j-core", "2.14.1"));

  @Test
  void theDispatcherRunsAJobWithoutTheRuntime() {
    List<Component> components = COMPONENTS;
    // snippet:start dispatcher
    InMemoryTransport broker = InMemoryTransport.create();
    try (Dispatcher dispatcher = Dispatcher.builder(broker).build()) {
      dispatcher.start(new SbomProcessJob());

      MessageClient client = MessageClient.create(broker); // the API service's side
      client.send("sbom-process-queue", new SbomUploaded("s1", "o1", components));
      client.send("sbom-process-queue", "not an SBOM"); // cannot be decoded: dead-lettered at once

      broker.awaitIdle(Duration.ofSeconds(5));
      assertThat(broker.sentTo("component-process-queue")).hasSize(1);
      assertThat(broker.deadLettered("sbom-process-queue")).hasSize(1);
    }
    // snippet:end dispatcher
    broker.close();
  }

  @Test
  void theTracingDecoratorTracesSendsAndDeliveries() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    OpenTelemetry openTelemetry =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .build();
    InMemoryTransport broker = InMemoryTransport.create();
    // snippet:start tracing
    MessagingTelemetry telemetry = MessagingTelemetry.create(openTelemetry);
    Transport transport =
        telemetry.wrap(broker); // SqsTransport, RabbitMqTransport, InMemoryTransport
    MessageClient client = MessageClient.create(transport); // sends are traced
    Dispatcher dispatcher = Dispatcher.builder(transport).build(); // deliveries are traced
    // snippet:end tracing
    try (dispatcher) {
      dispatcher.start(new SbomProcessJob());
      client.send("sbom-process-queue", new SbomUploaded("s1", "o1", COMPONENTS));
      broker.awaitIdle(Duration.ofSeconds(5));
    }
    assertThat(spans.getFinishedSpanItems())
        .extracting(SpanData::getKind)
        .contains(SpanKind.PRODUCER, SpanKind.CONSUMER);
    broker.close();
  }

  @Test
  void samplingKeepsErrorsOfDroppedTraces() {
    SpanExporter otlpSpanExporter = InMemorySpanExporter.create();
    // snippet:start sampling
    SdkTracerProvider tracerProvider =
        SdkTracerProvider.builder()
            .setSampler(JobSampling.keepingErrors(JobSampling.defaultSampler()))
            .addSpanProcessor(JobSampling.exportSampledAndErrors(otlpSpanExporter))
            .build();
    // snippet:end sampling
    assertThat(tracerProvider.getSampler().getDescription()).contains("TraceIdRatioBased");
    tracerProvider.close();
  }
}
