package io.jobcommon.benchmarks;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A real OpenTelemetry SDK for one run: parent-based trace-id-ratio sampling, a batch span
 * processor exporting to a no-op exporter ({@code tracing=on}) or over OTLP/HTTP ({@code
 * tracing=otlp}), metrics aggregated by a periodic reader. Counts spans created and ended (a span
 * processor) and exported (acknowledged by the exporter's receiver). Thread-safe.
 */
final class Telemetry implements AutoCloseable {
  private final OpenTelemetrySdk sdk;
  private final LongAdder created = new LongAdder();
  private final LongAdder ended = new LongAdder();
  private final LongAdder exported = new LongAdder();
  private final LongAdder exportFailed = new LongAdder();
  private final BenchOptions.BatchSettings batch;
  private final double sampling;
  private final @Nullable LongSupplier sinkCount;
  private final long sinkCountAtStart;
  private long sinkReceived = -1;

  /**
   * @param otlpEndpoint the OTLP/HTTP base URL to export to, or null for the no-op exporter
   * @param sinkCount the sink's received-span count, or null when there is no sink
   */
  Telemetry(BenchOptions o, @Nullable String otlpEndpoint, @Nullable LongSupplier sinkCount) {
    this(o.sampling(), o.batchProcessor(), otlpEndpoint, sinkCount);
  }

  /** Sampling everything, default batch settings, the no-op exporter: for micro-benchmarks. */
  static Telemetry noopExport() {
    return noopExport(1.0);
  }

  /** {@link #noopExport()} sampling new traces at {@code sampling}. */
  static Telemetry noopExport(double sampling) {
    return new Telemetry(
        sampling,
        new BenchOptions.BatchSettings(2048, 512, Duration.ofSeconds(5), Duration.ofSeconds(30)),
        null,
        null);
  }

  private Telemetry(
      double sampling,
      BenchOptions.BatchSettings batch,
      @Nullable String otlpEndpoint,
      @Nullable LongSupplier sinkCount) {
    this.batch = batch;
    this.sampling = sampling;
    this.sinkCount = sinkCount;
    this.sinkCountAtStart = sinkCount == null ? 0 : sinkCount.getAsLong();
    SpanExporter target =
        otlpEndpoint == null
            ? new NoopSpanExporter()
            : OtlpHttpSpanExporter.builder()
                .setEndpoint(otlpEndpoint + "/v1/traces")
                .setTimeout(batch.exporterTimeout())
                .build();
    BatchSpanProcessor processor =
        BatchSpanProcessor.builder(new CountingExporter(target))
            .setMaxQueueSize(batch.maxQueueSize())
            .setMaxExportBatchSize(batch.maxExportBatchSize())
            .setScheduleDelay(batch.scheduleDelay())
            .setExporterTimeout(batch.exporterTimeout())
            .build();
    Resource resource =
        Resource.getDefault()
            .merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "bench")));
    this.sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .setResource(resource)
                    .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(sampling)))
                    .addSpanProcessor(new CountingProcessor())
                    .addSpanProcessor(processor)
                    .build())
            .setMeterProvider(
                SdkMeterProvider.builder()
                    .setResource(resource)
                    .registerMetricReader(
                        PeriodicMetricReader.builder(new NoopMetricExporter())
                            .setInterval(Duration.ofSeconds(10))
                            .build())
                    .build())
            .build();
  }

  OpenTelemetry openTelemetry() {
    return sdk;
  }

  /** Flushes and shuts the SDK down: every span ended so far is exported or counted as dropped. */
  @Override
  public void close() {
    sdk.shutdown().join(batch.exporterTimeout().toMillis() + 10_000, TimeUnit.MILLISECONDS);
    if (sinkCount != null) {
      sinkReceived = sinkCount.getAsLong() - sinkCountAtStart;
    }
  }

  /**
   * Spans created, ended, exported, dropped (ended but never acknowledged), and the batch settings.
   */
  Map<String, String> figures() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("sampling", String.valueOf(sampling));
    m.put("spans_created", String.valueOf(created.sum()));
    m.put("spans_ended", String.valueOf(ended.sum()));
    m.put("spans_exported", String.valueOf(exported.sum()));
    m.put("spans_dropped", String.valueOf(ended.sum() - exported.sum()));
    if (exportFailed.sum() > 0) {
      m.put("spans_export_failed", String.valueOf(exportFailed.sum()));
    }
    if (sinkReceived >= 0) {
      m.put("sink_spans", String.valueOf(sinkReceived));
    }
    m.put("bsp_queue", String.valueOf(batch.maxQueueSize()));
    m.put("bsp_batch", String.valueOf(batch.maxExportBatchSize()));
    m.put("bsp_delay_ms", String.valueOf(batch.scheduleDelay().toMillis()));
    return m;
  }

  private final class CountingProcessor implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
      // MessagingTelemetry's start-up check of the context starts one probe span, never ended:
      // not a message's span
      if (!span.getName().equals("jc.context_probe")) {
        created.increment();
      }
    }

    @Override
    public boolean isStartRequired() {
      return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      ended.increment();
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }
  }

  /** Counts what the receiver acknowledged (HTTP 2xx for OTLP). */
  private final class CountingExporter implements SpanExporter {
    private final SpanExporter delegate;

    CountingExporter(SpanExporter delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      int n = spans.size();
      CompletableResultCode result = delegate.export(spans);
      result.whenComplete(
          () -> {
            if (result.isSuccess()) {
              exported.add(n);
            } else {
              exportFailed.add(n);
            }
          });
      return result;
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }
  }

  private static final class NoopSpanExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  private static final class NoopMetricExporter implements MetricExporter {
    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public MemoryMode getMemoryMode() {
      return MemoryMode.REUSABLE_DATA;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
