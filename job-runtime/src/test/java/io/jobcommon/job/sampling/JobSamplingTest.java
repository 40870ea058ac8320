package io.jobcommon.job.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobcommon.messaging.ConfigurationException;
import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.testing.InMemoryTransport;
import io.jobcommon.messaging.tracing.MessagingTelemetry;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JobSamplingTest {

  private static Sampler sampler(Map<String, String> env) {
    return JobSampling.defaultSampler(env::get);
  }

  @Test
  void theDefaultIsParentBasedRatioOneOrATenthInProduction() {
    assertThat(sampler(Map.of()).getDescription())
        .isEqualTo(Sampler.parentBased(Sampler.traceIdRatioBased(1.0)).getDescription());
    assertThat(sampler(Map.of("ENV", "staging")).getDescription())
        .isEqualTo(Sampler.parentBased(Sampler.traceIdRatioBased(1.0)).getDescription());
    assertThat(sampler(Map.of("ENV", "production")).getDescription())
        .isEqualTo(Sampler.parentBased(Sampler.traceIdRatioBased(0.1)).getDescription());
  }

  @Test
  void otelTracesSamplerWins() {
    assertThat(sampler(Map.of("ENV", "production", "OTEL_TRACES_SAMPLER", "always_on")))
        .isEqualTo(Sampler.alwaysOn());
    assertThat(
            sampler(
                    Map.of(
                        "OTEL_TRACES_SAMPLER", "parentbased_traceidratio",
                        "OTEL_TRACES_SAMPLER_ARG", "0.25"))
                .getDescription())
        .isEqualTo(Sampler.parentBased(Sampler.traceIdRatioBased(0.25)).getDescription());
    assertThat(sampler(Map.of("OTEL_TRACES_SAMPLER", "traceidratio")).getDescription())
        .isEqualTo(Sampler.traceIdRatioBased(1.0).getDescription());
    assertThat(sampler(Map.of("OTEL_TRACES_SAMPLER", "parentbased_always_off")).getDescription())
        .isEqualTo(Sampler.parentBased(Sampler.alwaysOff()).getDescription());
  }

  @Test
  void badSettingsNameTheVariableAndTheFix() {
    assertThatThrownBy(() -> sampler(Map.of("OTEL_TRACES_SAMPLER", "jaeger_remote")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("OTEL_TRACES_SAMPLER")
        .hasMessageContaining("'jaeger_remote'");
    assertThatThrownBy(
            () ->
                sampler(
                    Map.of("OTEL_TRACES_SAMPLER", "traceidratio", "OTEL_TRACES_SAMPLER_ARG", "2")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("OTEL_TRACES_SAMPLER_ARG is not a sampling ratio: '2'");
  }

  @Test
  void atRatioZeroOnlyErrorSpansAreExportedWhenTheErrorOptionIsOn() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    List<SpanData> exported =
        run(
            JobSampling.keepingErrors(Sampler.parentBased(Sampler.traceIdRatioBased(0.0))),
            JobSampling.exportSampledAndErrors(exporter),
            exporter);
    assertThat(exported).isNotEmpty();
    assertThat(exported)
        .allSatisfy(s -> assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));
    assertThat(exported)
        .extracting(SpanData::getName)
        .containsExactly("process ratio-zero"); // the dead-lettered one; no send, no ack
  }

  @Test
  void atRatioZeroNothingIsExportedWithoutTheErrorOption() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    List<SpanData> exported =
        run(
            Sampler.parentBased(Sampler.traceIdRatioBased(0.0)),
            SimpleSpanProcessor.create(exporter),
            exporter);
    assertThat(exported).isEmpty();
  }

  @Test
  void sampledSpansStillGoThrough() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    List<SpanData> exported =
        run(
            JobSampling.keepingErrors(Sampler.alwaysOn()),
            JobSampling.exportSampledAndErrors(exporter),
            exporter);
    assertThat(exported).extracting(SpanData::getName).contains("send ratio-zero");
  }

  /** One message acked and one dead-lettered, through a traced in-memory broker. */
  @SuppressWarnings("try")
  private static List<SpanData> run(
      Sampler sampler, SpanProcessor processor, InMemorySpanExporter exporter) {
    SdkTracerProvider tracerProvider =
        SdkTracerProvider.builder().setSampler(sampler).addSpanProcessor(processor).build();
    try (OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build()) {
      InMemoryTransport broker = InMemoryTransport.create();
      Transport transport = MessagingTelemetry.create(sdk).wrap(broker);
      try (Subscription s =
          transport.subscribe(
              "ratio-zero",
              ConsumerOptions.defaults(),
              d -> {
                if (new String(d.body(), StandardCharsets.UTF_8).contains("bad")) {
                  d.deadLetter("payload-decoding-failed: bad");
                } else {
                  d.ack();
                }
              })) {
        transport.send(message("{\"ok\":true}")).join();
        transport.send(message("{\"bad\":true}")).join();
        broker.awaitIdle(Duration.ofSeconds(10));
      }
      transport.close();
      assertThat(tracerProvider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      return exporter.getFinishedSpanItems();
    }
  }

  private static OutgoingMessage message(String json) {
    return OutgoingMessage.builder("ratio-zero")
        .setBody(json.getBytes(StandardCharsets.UTF_8))
        .build();
  }
}
