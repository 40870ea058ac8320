package io.jobcommon.testfixtures;

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
import org.jspecify.annotations.Nullable;

/**
 * An OpenTelemetry SDK that keeps spans and metrics in memory, not registered globally: one per
 * test, closed after it. Thread-safe.
 */
public final class InMemoryTelemetry implements AutoCloseable {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final OpenTelemetrySdk sdk;

  /** Samples every span and exports it as it ends. */
  public InMemoryTelemetry() {
    this(Sampler.alwaysOn(), null);
  }

  /**
   * @param sampler the tracer provider's sampler
   * @param processor the span processor, or null for one that exports every ended span to {@link
   *     #spans()}
   */
  public InMemoryTelemetry(Sampler sampler, @Nullable SpanProcessor processor) {
    SpanProcessor p = processor != null ? processor : SimpleSpanProcessor.create(spans);
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder().setSampler(sampler).addSpanProcessor(p).build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .build();
  }

  /** The SDK, to hand to the code under test. */
  public OpenTelemetrySdk sdk() {
    return sdk;
  }

  /** Every ended span, in the order they ended. */
  public List<SpanData> spans() {
    return spans.getFinishedSpanItems();
  }

  /** The ended spans named {@code name}. */
  public List<SpanData> spansNamed(String name) {
    return spans().stream().filter(s -> s.getName().equals(name)).toList();
  }

  /** The one ended span named {@code name}; an {@link AssertionError} if there are none or more. */
  public SpanData onlySpan(String name) {
    List<SpanData> found = spansNamed(name);
    if (found.size() != 1) {
      throw new AssertionError("expected one span '" + name + "' but got " + spans());
    }
    return found.get(0);
  }

  /** Forgets the spans ended so far. */
  public void resetSpans() {
    spans.reset();
  }

  /** The metric named {@code name}, collected now. */
  public Optional<MetricData> metric(String name) {
    return metrics.collectAllMetrics().stream().filter(m -> m.getName().equals(name)).findFirst();
  }

  /** Every metric, collected now. */
  public List<MetricData> metrics() {
    return List.copyOf(metrics.collectAllMetrics());
  }

  /** Sum of a long counter's points whose attribute {@code key} equals {@code value}. */
  public long counter(String name, AttributeKey<String> key, String value) {
    return metric(name)
        .map(
            m ->
                m.getLongSumData().getPoints().stream()
                    .filter(p -> value.equals(p.getAttributes().get(key)))
                    .mapToLong(p -> p.getValue())
                    .sum())
        .orElse(0L);
  }

  /** Sum of all of a long counter's points. */
  public long counter(String name) {
    return metric(name)
        .map(m -> m.getLongSumData().getPoints().stream().mapToLong(p -> p.getValue()).sum())
        .orElse(0L);
  }

  @Override
  public void close() {
    sdk.close();
  }
}
