package io.jobcommon.job.sampling;

import io.jobcommon.messaging.ConfigurationException;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The sampling job-common services share.
 *
 * <pre>{@code
 * SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
 *     .setSampler(JobSampling.keepingErrors(JobSampling.defaultSampler()))
 *     .addSpanProcessor(JobSampling.exportSampledAndErrors(otlpExporter))
 *     .build();
 * }</pre>
 *
 * <p>Stateless; every method returns a new, thread-safe object and never null.
 */
public final class JobSampling {
  /**
   * The variable that names the deployment; {@value #PRODUCTION} samples at {@value
   * #PRODUCTION_RATIO}.
   */
  public static final String ENV = "ENV";

  /** The {@link #ENV} value of production deployments. */
  public static final String PRODUCTION = "production";

  /** The share of new traces sampled in production. */
  public static final double PRODUCTION_RATIO = 0.1;

  static final String OTEL_TRACES_SAMPLER = "OTEL_TRACES_SAMPLER";
  static final String OTEL_TRACES_SAMPLER_ARG = "OTEL_TRACES_SAMPLER_ARG";

  private JobSampling() {}

  /** {@link #defaultSampler(Function)} on the process environment. */
  public static Sampler defaultSampler() {
    return defaultSampler(System::getenv);
  }

  /**
   * {@code parentbased_traceidratio} with ratio 1.0, or {@value #PRODUCTION_RATIO} when {@code
   * ENV=production}: a message continues its sender's decision, and new traces (cron jobs, messages
   * without context) are sampled by the ratio. When {@code OTEL_TRACES_SAMPLER} is set, the sampler
   * it names instead ({@code always_on}, {@code always_off}, {@code traceidratio}, {@code
   * parentbased_always_on}, {@code parentbased_always_off}, {@code parentbased_traceidratio}, with
   * {@code OTEL_TRACES_SAMPLER_ARG} as the ratio).
   *
   * @param environment looks up a variable; returns null when it is not set
   * @throws ConfigurationException when {@code OTEL_TRACES_SAMPLER} names another sampler or the
   *     ratio is not a number in [0, 1]
   */
  public static Sampler defaultSampler(Function<String, @Nullable String> environment) {
    Objects.requireNonNull(environment, "environment");
    String configured = trimmed(environment.apply(OTEL_TRACES_SAMPLER));
    if (configured == null) {
      String env = trimmed(environment.apply(ENV));
      double ratio = PRODUCTION.equalsIgnoreCase(env) ? PRODUCTION_RATIO : 1.0;
      return Sampler.parentBased(Sampler.traceIdRatioBased(ratio));
    }
    switch (configured.toLowerCase(Locale.ROOT)) {
      case "always_on":
        return Sampler.alwaysOn();
      case "always_off":
        return Sampler.alwaysOff();
      case "traceidratio":
        return Sampler.traceIdRatioBased(ratio(environment));
      case "parentbased_always_on":
        return Sampler.parentBased(Sampler.alwaysOn());
      case "parentbased_always_off":
        return Sampler.parentBased(Sampler.alwaysOff());
      case "parentbased_traceidratio":
        return Sampler.parentBased(Sampler.traceIdRatioBased(ratio(environment)));
      default:
        throw new ConfigurationException(
            OTEL_TRACES_SAMPLER,
            OTEL_TRACES_SAMPLER
                + " names a sampler this helper does not build: '"
                + configured
                + "' (expected always_on, always_off, traceidratio, parentbased_always_on,"
                + " parentbased_always_off or parentbased_traceidratio; build other samplers with"
                + " the OpenTelemetry SDK autoconfigure module)");
    }
  }

  /**
   * {@code head}, except that spans it would drop are still recorded (not sampled), so {@link
   * #exportSampledAndErrors} can export the ones that end in ERROR. Recording costs memory and CPU
   * for every span; the sampled flag sent downstream is unchanged.
   */
  public static Sampler keepingErrors(Sampler head) {
    return new ErrorRecordingSampler(Objects.requireNonNull(head, "head"));
  }

  /**
   * A batch processor that exports sampled spans, and spans that were recorded without being
   * sampled (see {@link #keepingErrors}) only when they end in ERROR.
   */
  public static SpanProcessor exportSampledAndErrors(SpanExporter exporter) {
    Objects.requireNonNull(exporter, "exporter");
    return sampledOrError(
        BatchSpanProcessor.builder(exporter).setExportUnsampledSpans(true).build());
  }

  /**
   * Hands {@code delegate} only the spans that are sampled or ended in ERROR. The delegate must
   * export unsampled spans it is given ({@code setExportUnsampledSpans(true)} on the SDK's
   * processors).
   */
  public static SpanProcessor sampledOrError(SpanProcessor delegate) {
    return new FilteringSpanProcessor(
        Objects.requireNonNull(delegate, "delegate"),
        FilteringSpanProcessor.SAMPLED_OR_ERROR,
        "SampledOrError");
  }

  /**
   * A batch processor that exports only the spans recorded without being sampled (see {@link
   * #keepingErrors}) that end in ERROR: add it beside processors that already export the sampled
   * ones (the SDK's autoconfigured pipeline), so no span is exported twice.
   */
  public static SpanProcessor exportUnsampledErrors(SpanExporter exporter) {
    Objects.requireNonNull(exporter, "exporter");
    return new FilteringSpanProcessor(
        BatchSpanProcessor.builder(exporter).setExportUnsampledSpans(true).build(),
        FilteringSpanProcessor.UNSAMPLED_ERROR,
        "UnsampledErrors");
  }

  private static double ratio(Function<String, @Nullable String> environment) {
    String arg = trimmed(environment.apply(OTEL_TRACES_SAMPLER_ARG));
    if (arg == null) {
      return 1.0;
    }
    try {
      double ratio = Double.parseDouble(arg);
      if (ratio >= 0.0 && ratio <= 1.0) {
        return ratio;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigurationException(
        OTEL_TRACES_SAMPLER_ARG,
        OTEL_TRACES_SAMPLER_ARG
            + " is not a sampling ratio: '"
            + arg
            + "' (expected a number from 0 to 1, e.g. 0.1)");
  }

  private static @Nullable String trimmed(@Nullable String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    return value.trim();
  }
}
