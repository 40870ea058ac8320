package io.jobcommon.examples.demo;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One OpenTelemetry SDK per role of the demo, so each span carries its role's {@code service.name},
 * as it would with one process per service. Every SDK hands its spans at once to the shared {@link
 * SpanCollector} and, when {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set, also batches them to that
 * collector over OTLP ({@code http/protobuf}, or {@code grpc} when {@code
 * OTEL_EXPORTER_OTLP_PROTOCOL} says so). Thread-safe.
 */
final class RoleTelemetry {
  static final String OTLP_ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
  static final String OTLP_PROTOCOL = "OTEL_EXPORTER_OTLP_PROTOCOL";

  private final SpanCollector collector;
  private final @Nullable String otlpEndpoint;
  private final boolean grpc;
  private final List<OpenTelemetrySdk> sdks = new ArrayList<>();

  RoleTelemetry(SpanCollector collector, Map<String, String> env) {
    this.collector = collector;
    String endpoint = env.get(OTLP_ENDPOINT);
    this.otlpEndpoint = endpoint == null || endpoint.isBlank() ? null : endpoint.strip();
    String protocol = env.getOrDefault(OTLP_PROTOCOL, "http/protobuf").strip();
    if (!protocol.equals("http/protobuf") && !protocol.equals("grpc")) {
      throw new IllegalArgumentException(
          OTLP_PROTOCOL
              + " is not supported by the demo: '"
              + protocol
              + "' (expected http/protobuf or grpc)");
    }
    this.grpc = protocol.equals("grpc");
  }

  /** Where spans go over OTLP, if anywhere. */
  @Nullable String otlpEndpoint() {
    return otlpEndpoint;
  }

  /** A new SDK whose spans say {@code service.name=serviceName}. */
  synchronized OpenTelemetry forService(String serviceName) {
    SdkTracerProviderBuilder tracing =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(Attributes.of(TraceWaterfall.SERVICE_NAME, serviceName))))
            .addSpanProcessor(SimpleSpanProcessor.create(collector));
    if (otlpEndpoint != null) {
      tracing.addSpanProcessor(
          BatchSpanProcessor.builder(otlpExporter())
              .setScheduleDelay(Duration.ofMillis(200))
              .build());
    }
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(tracing.build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    sdks.add(sdk);
    return sdk;
  }

  private SpanExporter otlpExporter() {
    String base = otlpEndpoint == null ? "" : otlpEndpoint;
    if (grpc) {
      return OtlpGrpcSpanExporter.builder().setEndpoint(base).build();
    }
    String traces =
        (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/traces";
    return OtlpHttpSpanExporter.builder().setEndpoint(traces).build();
  }

  /**
   * Shuts every SDK down, which exports what the OTLP batches still hold.
   *
   * @return whether every export finished within 10 s and succeeded
   */
  synchronized boolean shutdown() {
    List<CompletableResultCode> results = new ArrayList<>();
    for (OpenTelemetrySdk sdk : sdks) {
      results.add(sdk.shutdown());
    }
    sdks.clear();
    return CompletableResultCode.ofAll(results).join(10, TimeUnit.SECONDS).isSuccess();
  }
}
