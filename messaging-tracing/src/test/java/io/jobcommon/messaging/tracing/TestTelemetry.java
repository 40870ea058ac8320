package io.jobcommon.messaging.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** An SDK that keeps spans and metrics in memory, not registered globally. */
final class TestTelemetry implements AutoCloseable {
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  final OpenTelemetrySdk sdk;

  TestTelemetry() {
    this(Sampler.alwaysOn(), null);
  }

  TestTelemetry(Sampler sampler, SpanProcessor processor) {
    SpanProcessor p = processor != null ? processor : SimpleSpanProcessor.create(spans);
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder().setSampler(sampler).addSpanProcessor(p).build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .build();
  }

  List<SpanData> spans() {
    return spans.getFinishedSpanItems();
  }

  List<SpanData> spansNamed(String name) {
    return spans().stream().filter(s -> s.getName().equals(name)).collect(Collectors.toList());
  }

  SpanData onlySpan(String name) {
    List<SpanData> found = spansNamed(name);
    if (found.size() != 1) {
      throw new AssertionError("expected one span '" + name + "' but got " + spans());
    }
    return found.get(0);
  }

  Optional<MetricData> metric(String name) {
    return metrics.collectAllMetrics().stream().filter(m -> m.getName().equals(name)).findFirst();
  }

  /** Sum of a long counter's points whose attribute {@code key} equals {@code value}. */
  long counter(String name, AttributeKey<String> key, String value) {
    return metric(name)
        .map(
            m ->
                m.getLongSumData().getPoints().stream()
                    .filter(p -> value.equals(p.getAttributes().get(key)))
                    .mapToLong(p -> p.getValue())
                    .sum())
        .orElse(0L);
  }

  long counter(String name) {
    return metric(name)
        .map(m -> m.getLongSumData().getPoints().stream().mapToLong(p -> p.getValue()).sum())
        .orElse(0L);
  }

  @Override
  public void close() {
    sdk.close();
  }
}
