package io.jobcommon.job;

import io.jobcommon.job.sampling.JobSampling;
import io.jobcommon.messaging.ConfigurationException;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenTelemetry instance of a runtime: the SDK built by autoconfigure from {@code OTEL_*} (with
 * our defaults and {@code SERVICE_NAME}/{@code ENV}/{@code VERSION}), or one the user passed in.
 * Knows how to flush it and check that the flush finished, and counts spans so loss is visible.
 * Thread-safe.
 */
final class Telemetry {
  private static final Logger log = LoggerFactory.getLogger(Telemetry.class);
  private static final Pattern PROPERTY = Pattern.compile("otel(?:\\.[a-z0-9_-]+)+");

  static final String SAMPLER = "otel.traces.sampler";

  static final String BSP_QUEUE = "otel.bsp.max.queue.size";
  static final String BSP_BATCH = "otel.bsp.max.export.batch.size";
  static final int DEFAULT_BSP_BATCH = 4096;

  /**
   * Our defaults, below every {@code OTEL_*} variable and system property: OTLP over HTTP like the
   * Java agent and the JavaScript SDK of the TypeScript services (the bare SDK says gRPC), the
   * SDK's newest self-telemetry (spans processed, dropped, exported, export failures), and a batch
   * span processor sized for a worker at full broker rate (measured in docs/benchmarks.md): the
   * SDK's queue of 2048 and batches of 512 every 5 s drop spans at ~20k messages/s even when the
   * export is instant, while 16384 / 4096 / 200 ms lost none, and a queue of 16384 ended spans
   * still fits a 64 MiB heap when the collector hangs (65536 did not).
   */
  static final Map<String, String> DEFAULTS =
      Map.of(
          "otel.exporter.otlp.protocol",
          "http/protobuf",
          "otel.experimental.sdk.telemetry.version",
          "latest",
          BSP_QUEUE,
          "16384",
          BSP_BATCH,
          String.valueOf(DEFAULT_BSP_BATCH),
          "otel.bsp.schedule.delay",
          "200");

  private final OpenTelemetry openTelemetry;
  private final @Nullable OpenTelemetrySdk sdk;
  private final boolean owned;
  private final @Nullable SpanCounter counter;

  // Held because java.util.logging references loggers weakly: the bridge must outlive a GC.
  @SuppressWarnings("UnusedVariable") // only held, never read: see above
  private java.util.logging.@Nullable Logger julBridge;

  private Telemetry(
      OpenTelemetry openTelemetry,
      @Nullable OpenTelemetrySdk sdk,
      boolean owned,
      @Nullable SpanCounter counter) {
    this.openTelemetry = openTelemetry;
    this.sdk = sdk;
    this.owned = owned;
    this.counter = counter;
  }

  /**
   * Whether this is the runtime's own SDK (built from {@code OTEL_*}), not one the application, a
   * framework or the Java agent supplied.
   */
  boolean owned() {
    return owned;
  }

  /** A telemetry the user owns: flushed when it is an SDK, never shut down. */
  static Telemetry external(OpenTelemetry openTelemetry) {
    OpenTelemetrySdk sdk =
        openTelemetry instanceof OpenTelemetrySdk ? (OpenTelemetrySdk) openTelemetry : null;
    return new Telemetry(openTelemetry, sdk, false, null);
  }

  /**
   * The SDK from the environment. Not registered as the global instance and without the SDK's
   * shutdown hook: the runtime shuts it down itself, after the consumers drained.
   *
   * @param environment the variables to read
   * @param processEnvironment whether {@code environment} is the process's own (then the SDK reads
   *     it, and system properties, itself); otherwise its {@code OTEL_*} entries are passed in
   * @param exportDefaults the exporters' defaults ({@link ExportDefaults}), below {@code OTEL_*}
   * @throws ConfigurationException naming the {@code OTEL_*} variable the SDK rejected
   */
  static Telemetry autoConfigure(
      Map<String, String> environment,
      boolean processEnvironment,
      RuntimeSettings settings,
      @Nullable String codeServiceName,
      Map<String, String> exportDefaults) {
    // First, so that the SDK's own java.util.logging output goes through SLF4J from the start.
    java.util.logging.Logger bridge = JulToSlf4j.install();
    SpanCounter counter = new SpanCounter();
    List<SpanExporter> exporters = new ArrayList<>();
    try {
      OpenTelemetrySdk sdk =
          AutoConfiguredOpenTelemetrySdk.builder()
              .disableShutdownHook()
              .addPropertiesSupplier(() -> DEFAULTS)
              .addPropertiesSupplier(() -> exportDefaults)
              .addPropertiesCustomizer(config -> overrides(environment, processEnvironment))
              .addPropertiesCustomizer(config -> batchWithinQueue(config, environment))
              .addSamplerCustomizer(
                  (sampler, config) -> {
                    Sampler head = sampler(sampler, config, environment);
                    return settings.keepErrors() ? JobSampling.keepingErrors(head) : head;
                  })
              .addResourceCustomizer(
                  (resource, config) -> resource(resource, config, settings, codeServiceName))
              .addSpanProcessorCustomizer((processor, config) -> counter.wrap(processor))
              .addSpanExporterCustomizer(
                  (exporter, config) -> {
                    SpanExporter counted = counter.wrap(exporter);
                    exporters.add(counted);
                    return counted;
                  })
              .addTracerProviderCustomizer(
                  (builder, config) -> {
                    if (settings.keepErrors()) {
                      // The configured processors export sampled spans only; this one adds the
                      // unsampled spans that ended in ERROR, through the same exporters.
                      exporters.forEach(
                          e -> builder.addSpanProcessor(JobSampling.exportUnsampledErrors(e)));
                    }
                    return builder;
                  })
              .build()
              .getOpenTelemetrySdk();
      Telemetry telemetry = new Telemetry(sdk, sdk, true, counter);
      telemetry.julBridge = bridge;
      return telemetry;
    } catch (RuntimeException e) {
      if (isConfigurationError(e)) {
        throw translate(e, environment);
      }
      throw e;
    }
  }

  private static boolean isConfigurationError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException
          || t instanceof IllegalArgumentException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Our default batch size, lowered to a smaller queue the user set ({@code OTEL_BSP_MAX_QUEUE_SIZE
   * =2048} alone must not fail because 4096 is above it). A batch size the user set stays as set.
   */
  static Map<String, String> batchWithinQueue(
      ConfigProperties config, Map<String, String> environment) {
    boolean batchSet =
        environment.containsKey("OTEL_BSP_MAX_EXPORT_BATCH_SIZE")
            || System.getProperty(BSP_BATCH) != null;
    int queue = config.getInt(BSP_QUEUE, DEFAULT_BSP_BATCH);
    if (batchSet || queue >= DEFAULT_BSP_BATCH || queue < 1) {
      return Map.of();
    }
    return Map.of(BSP_BATCH, String.valueOf(queue));
  }

  /** The {@code OTEL_*} entries of a given environment, as the SDK's properties. */
  static Map<String, String> overrides(
      Map<String, String> environment, boolean processEnvironment) {
    Map<String, String> result = new HashMap<>();
    if (!processEnvironment) {
      environment.forEach(
          (name, value) -> {
            if (name.startsWith("OTEL_") && value != null && !value.isBlank()) {
              result.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value.trim());
            }
          });
    }
    return result;
  }

  /**
   * The sampler {@code OTEL_TRACES_SAMPLER} names, else the tracing plan's default from {@link
   * JobSampling}: every trace, or one in ten when {@code ENV=production}; a message from a sampled
   * trace is always continued.
   */
  static Sampler sampler(Sampler configured, ConfigProperties config, Map<String, String> env) {
    String named = config.getString(SAMPLER);
    if (named != null && !named.isBlank()) {
      return configured;
    }
    return JobSampling.defaultSampler(env::get);
  }

  /** {@code SERVICE_NAME}, {@code ENV}, {@code VERSION} where no {@code OTEL_*} variable spoke. */
  static Resource resource(
      Resource resource,
      ConfigProperties config,
      RuntimeSettings settings,
      @Nullable String codeServiceName) {
    Map<String, String> fromOtel = config.getMap("otel.resource.attributes");
    String otelServiceName = config.getString("otel.service.name");
    var builder = resource.toBuilder();
    if ((otelServiceName == null || otelServiceName.isBlank())
        && !fromOtel.containsKey("service.name")) {
      String name = codeServiceName != null ? codeServiceName : settings.serviceName().orElse(null);
      if (name != null) {
        builder.put("service.name", name);
      }
    }
    if (!fromOtel.containsKey("deployment.environment.name")
        && !fromOtel.containsKey("deployment.environment")) {
      settings.environmentName().ifPresent(e -> builder.put("deployment.environment.name", e));
    }
    if (!fromOtel.containsKey("service.version")) {
      settings.version().ifPresent(v -> builder.put("service.version", v));
    }
    return builder.build();
  }

  /** The SDK's complaint as one line naming the variable, secrets masked. */
  static ConfigurationException translate(RuntimeException e, Map<String, String> environment) {
    if (e instanceof ConfigurationException) {
      return (ConfigurationException) e;
    }
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && text.indexOf(t.getMessage()) < 0) {
        text.append(text.length() == 0 ? "" : ": ").append(t.getMessage());
      }
    }
    String message = text.toString().replaceAll("\\s+", " ").trim();
    String variable = variableOf(message, environment);
    return new ConfigurationException(
        variable,
        Secrets.mask(
            variable + " is not valid: " + message + " (expected " + expected(variable) + ")",
            environment));
  }

  /** The property the SDK names, else the OTEL_* variable whose value it quotes. */
  private static String variableOf(String message, Map<String, String> environment) {
    Matcher m = PROPERTY.matcher(message);
    if (m.find()) {
      return m.group().toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
    String best = null;
    int bestLength = 0;
    for (Map.Entry<String, String> e : environment.entrySet()) {
      String value = e.getValue() == null ? "" : e.getValue().trim();
      if (e.getKey().startsWith("OTEL_") && !value.isEmpty() && message.contains(value)) {
        if (best == null || value.length() > bestLength) {
          best = e.getKey();
          bestLength = value.length();
        }
      }
    }
    return best == null ? "OTEL_*" : best;
  }

  /** The expected form of the common variables, for the error line. */
  static String expected(String variable) {
    if (variable.equals("OTEL_TRACES_SAMPLER")) {
      return "always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off"
          + " or parentbased_traceidratio";
    }
    if (variable.equals("OTEL_TRACES_SAMPLER_ARG")) {
      return "a number from 0 to 1, such as 0.25";
    }
    if (variable.endsWith("_PROTOCOL")) {
      return "http/protobuf or grpc";
    }
    if (variable.contains("_ENDPOINT")) {
      return "a URL such as http://otel-collector:4318";
    }
    if (variable.endsWith("_HEADERS") || variable.equals("OTEL_RESOURCE_ATTRIBUTES")) {
      return "comma-separated key=value pairs, such as a=b,c=d";
    }
    if (variable.endsWith("_EXPORTER")) {
      return "otlp, console, logging-otlp or none";
    }
    if (variable.equals("OTEL_PROPAGATORS")) {
      return "a comma-separated list such as tracecontext,baggage (others need their artifact)";
    }
    if (variable.endsWith("_DELAY")
        || variable.endsWith("_TIMEOUT")
        || variable.endsWith("_INTERVAL")) {
      return "milliseconds, or a number with a unit such as 5s";
    }
    return "a value the OpenTelemetry SDK accepts; see its environment variable reference";
  }

  OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /**
   * Exports every ended span and pending metric now and waits up to {@code timeout}.
   *
   * @return whether everything was exported in time; a failure is logged with what may be lost
   */
  boolean flush(Duration timeout) {
    if (sdk == null) {
      return true;
    }
    CompletableResultCode result =
        TelemetryShutdown.inBackground(
            () ->
                CompletableResultCode.ofAll(
                    List.of(
                        sdk.getSdkTracerProvider().forceFlush(),
                        sdk.getSdkMeterProvider().forceFlush())));
    result.join(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!result.isSuccess()) {
      log.error(
          "telemetry flush {} within {} ms: spans and metrics may be lost (is the OTLP endpoint"
              + " reachable?){}",
          result.isDone() ? "failed" : "did not finish",
          timeout.toMillis(),
          counts());
      return false;
    }
    return true;
  }

  /**
   * Flushes, then shuts the SDK down when the runtime built it, both within {@code timeout}, then
   * logs one line with how many spans were exported and dropped.
   *
   * @return whether the flush and shutdown finished in time and succeeded
   */
  boolean shutdown(Duration timeout) {
    // One deadline for both steps: with the collector down each would otherwise wait in full.
    long deadline = System.nanoTime() + timeout.toNanos();
    // A zero budget (a flush already failed on the way out) goes straight to the SDK's shutdown.
    boolean ok = !timeout.isZero() && flush(timeout);
    if (owned && sdk != null) {
      CompletableResultCode result = TelemetryShutdown.inBackground(sdk::shutdown);
      long left = Math.max(0, deadline - System.nanoTime());
      result.join(left, TimeUnit.NANOSECONDS);
      ok &= result.isSuccess();
    }
    if (counter != null) {
      long dropped = counter.dropped();
      if (dropped > 0 || !ok) {
        log.warn("telemetry shut down: {}", summary());
      } else {
        log.info("telemetry shut down: {}", summary());
      }
    }
    return ok;
  }

  /** {@code N spans exported, M dropped (K in failed exports)}, or empty when not counted. */
  String summary() {
    if (counter == null) {
      return "spans not counted (OpenTelemetry supplied by the application)";
    }
    return counter.exported()
        + " spans exported, "
        + counter.dropped()
        + " dropped ("
        + counter.failed()
        + " in failed exports)";
  }

  private String counts() {
    return counter == null ? "" : "; so far " + summary();
  }
}
