package io.jobcommon.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobcommon.messaging.ConfigurationException;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The environment, parsed: defaults, accepted forms, and every error line. */
class ConfigurationTest {
  private static final ClassLoader NO_PROVIDERS = new ClassLoader(null) {};

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of(
            Map.of(),
            "MESSAGING_BROKER",
            "MESSAGING_BROKER is not set (expected sqs, rabbitmq or in-memory)"),
        Arguments.of(
            Map.of("MESSAGING_BROKER", "kafka"),
            "MESSAGING_BROKER",
            "MESSAGING_BROKER is not a known broker: 'kafka' (expected sqs, rabbitmq or in-memory;"
                + " transports on the class path: in-memory, rabbitmq, sqs)"),
        Arguments.of(
            Map.of("MESSAGING_BROKER", "in-memory", "JOB_SHUTDOWN_TIMEOUT", "soon"),
            "JOB_SHUTDOWN_TIMEOUT",
            "JOB_SHUTDOWN_TIMEOUT is not a duration: 'soon' (expected a number with a unit, such as"
                + " 30s, 500ms, 5m or 1h)"),
        Arguments.of(
            Map.of("MESSAGING_BROKER", "in-memory", "JOB_SHUTDOWN_TIMEOUT", "-5s"),
            "JOB_SHUTDOWN_TIMEOUT",
            "JOB_SHUTDOWN_TIMEOUT is not a duration: '-5s' (expected a number with a unit, such as"
                + " 30s, 500ms, 5m or 1h)"),
        Arguments.of(
            Map.of("MESSAGING_BROKER", "in-memory", "JOB_TELEMETRY_FLUSH_TIMEOUT", "a while"),
            "JOB_TELEMETRY_FLUSH_TIMEOUT",
            "JOB_TELEMETRY_FLUSH_TIMEOUT is not a duration: 'a while' (expected a number with a"
                + " unit, such as 30s, 500ms, 5m or 1h)"),
        Arguments.of(
            Map.of("MESSAGING_BROKER", "in-memory", "JOB_HEALTH_PORT", "http"),
            "JOB_HEALTH_PORT",
            "JOB_HEALTH_PORT is not a port number: 'http' (expected 1-65535, or 0 for any free"
                + " port)"),
        Arguments.of(
            Map.of("MESSAGING_BROKER", "in-memory", "JOB_HEALTH_PORT", "70000"),
            "JOB_HEALTH_PORT",
            "JOB_HEALTH_PORT is not a port number: '70000' (expected 1-65535, or 0 for any free"
                + " port)"),
        Arguments.of(
            Map.of("MESSAGING_BROKER", "in-memory", "OTEL_TRACES_SAMPLER", "sometimes"),
            "OTEL_TRACES_SAMPLER",
            "OTEL_TRACES_SAMPLER is not valid: Unrecognized value for otel.traces.sampler:"
                + " sometimes (expected always_on, always_off, traceidratio,"
                + " parentbased_always_on, parentbased_always_off or parentbased_traceidratio)"),
        Arguments.of(
            Map.of(
                "MESSAGING_BROKER", "in-memory",
                "OTEL_TRACES_SAMPLER", "parentbased_traceidratio",
                "OTEL_TRACES_SAMPLER_ARG", "abc"),
            "OTEL_TRACES_SAMPLER_ARG",
            "OTEL_TRACES_SAMPLER_ARG is not valid: Invalid value for property"
                + " otel.traces.sampler.arg=abc. Must be a double. (expected a number from 0 to 1,"
                + " such as 0.25)"),
        Arguments.of(
            Map.of("MESSAGING_BROKER", "in-memory", "OTEL_EXPORTER_OTLP_PROTOCOL", "pigeon"),
            "OTEL_EXPORTER_OTLP_PROTOCOL",
            "OTEL_EXPORTER_OTLP_PROTOCOL is not valid: Unsupported OTLP metrics protocol: pigeon"
                + " (expected http/protobuf or grpc)"),
        Arguments.of(
            Map.of("MESSAGING_BROKER", "in-memory", "OTEL_TRACES_EXPORTER", "zipkin"),
            "OTEL_TRACES_EXPORTER",
            "OTEL_TRACES_EXPORTER is not valid: Unrecognized value for otel.traces.exporter:"
                + " zipkin (expected otlp, console, logging-otlp or none)"),
        Arguments.of(
            Map.of("MESSAGING_BROKER", "in-memory", "OTEL_EXPORTER_OTLP_ENDPOINT", "collector"),
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "OTEL_EXPORTER_OTLP_ENDPOINT is not valid: OTLP endpoint must be a valid URL:"
                + " collector: no protocol: collector (expected a URL such as"
                + " http://otel-collector:4318)"),
        Arguments.of(
            // The batch processor exists only when spans are exported (not by default in memory).
            Map.of(
                "MESSAGING_BROKER", "in-memory",
                "OTEL_TRACES_EXPORTER", "otlp",
                "OTEL_BSP_SCHEDULE_DELAY", "soon"),
            "OTEL_BSP_SCHEDULE_DELAY",
            "OTEL_BSP_SCHEDULE_DELAY is not valid: Invalid duration property"
                + " otel.bsp.schedule.delay=soon. Expected number, found: : For input string: \"\""
                + " (expected milliseconds, or a number with a unit such as 5s)"),
        Arguments.of(
            Map.of("MESSAGING_BROKER", "in-memory", "OTEL_PROPAGATORS", "carrier"),
            "OTEL_PROPAGATORS",
            "OTEL_PROPAGATORS is not valid: Unrecognized value for otel.propagators: carrier. Make"
                + " sure the artifact including the propagator is on the classpath. (expected a"
                + " comma-separated list such as tracecontext,baggage (others need their"
                + " artifact))"),
        Arguments.of(
            Map.of("MESSAGING_BROKER", "in-memory", "OTEL_RESOURCE_ATTRIBUTES", "team"),
            "OTEL_RESOURCE_ATTRIBUTES",
            "OTEL_RESOURCE_ATTRIBUTES is not valid: Invalid map property: otel.resource.attributes"
                + " (expected comma-separated key=value pairs, such as a=b,c=d)"),
        Arguments.of(
            Map.of("MESSAGING_BROKER", "rabbitmq", "RABBITMQ_URL", "http://app:s3cr3t@mq/"),
            "RABBITMQ_URL",
            "RABBITMQ_URL is not a valid amqp URI: 'http://app:***@mq/' (expected"
                + " amqp[s]://user:pass@host:port/vhost)"),
        Arguments.of(
            Map.of(
                "MESSAGING_BROKER", "in-memory",
                "OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer s3cr3t-t0ken,broken"),
            "OTEL_EXPORTER_OTLP_HEADERS",
            "OTEL_EXPORTER_OTLP_HEADERS is not valid: Invalid map property:"
                + " otel.exporter.otlp.headers (expected comma-separated key=value pairs, such as"
                + " a=b,c=d)"));
  }

  @ParameterizedTest
  @MethodSource("errors")
  void aBadEnvironmentFailsAtStartWithOneLineNamingTheVariable(
      Map<String, String> env, String variable, String message) {
    assertThatThrownBy(() -> JobRuntime.builder().setEnvironment(env).build())
        .isInstanceOfSatisfying(
            ConfigurationException.class, e -> assertThat(e.setting()).isEqualTo(variable))
        .hasMessage(message)
        .hasMessageNotContaining("\n")
        .hasMessageNotContaining("s3cr3t");
  }

  static Stream<Arguments> missingModules() {
    return Stream.of(
        Arguments.of("sqs", "io.jobcommon:messaging-sqs"),
        Arguments.of("rabbitmq", "io.jobcommon:messaging-rabbitmq"),
        Arguments.of("in-memory", "io.jobcommon:messaging-testing"));
  }

  @ParameterizedTest
  @MethodSource("missingModules")
  void aBrokerWhoseModuleIsMissingNamesTheArtifactToAdd(String broker, String artifact) {
    assertThatThrownBy(
            () ->
                JobRuntime.builder()
                    .setEnvironment(Map.of("MESSAGING_BROKER", broker))
                    .setClassLoader(NO_PROVIDERS)
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "MESSAGING_BROKER="
                + broker
                + " but no '"
                + broker
                + "' transport is on the class path: add the Maven artifact "
                + artifact
                + " to the service (transports on the class path: none)");
  }

  @Test
  void aHealthPortInUseFailsAtStart() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      String port = Integer.toString(taken.getLocalPort());
      assertThatThrownBy(
              () ->
                  JobRuntime.builder()
                      .setEnvironment(
                          quiet(Map.of("MESSAGING_BROKER", "in-memory", "JOB_HEALTH_PORT", port)))
                      .build())
          .isInstanceOf(ConfigurationException.class)
          .hasMessageStartingWith("JOB_HEALTH_PORT=" + port + " cannot be listened on: ")
          .hasMessageEndingWith("(expected a free port, or 0 for any free port)");
    }
  }

  @Test
  void launchPrintsTheLineAndReturnsExitCode2() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        JobRuntime.launch(
            JobRuntime.builder().setEnvironment(Map.of("MESSAGING_BROKER", "kafka")),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            runtime -> {
              throw new AssertionError("must not run");
            });
    assertThat(code).isEqualTo(JobRuntime.EXIT_CONFIGURATION_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("configuration error: MESSAGING_BROKER is not a known broker: 'kafka'")
        .hasLineCount(1);
  }

  @Test
  void launchReturnsWhatTheMainReturnsAndClosesTheRuntime() {
    JobRuntime[] seen = new JobRuntime[1];
    int code =
        JobRuntime.launch(
            JobRuntime.builder().setEnvironment(quiet(Map.of("MESSAGING_BROKER", "in-memory"))),
            System.err,
            runtime -> {
              seen[0] = runtime;
              return 7;
            });
    assertThat(code).isEqualTo(7);
    assertThatThrownBy(() -> seen[0].start()).isInstanceOf(IllegalStateException.class);
  }

  static Stream<Arguments> settings() {
    return Stream.of(
        Arguments.of(Map.of(), Duration.ofSeconds(30), null, false),
        Arguments.of(Map.of("JOB_SHUTDOWN_TIMEOUT", "45s"), Duration.ofSeconds(45), null, false),
        Arguments.of(Map.of("JOB_SHUTDOWN_TIMEOUT", "500ms"), Duration.ofMillis(500), null, false),
        Arguments.of(Map.of("JOB_SHUTDOWN_TIMEOUT", "2m"), Duration.ofMinutes(2), null, false),
        Arguments.of(Map.of("JOB_SHUTDOWN_TIMEOUT", "10"), Duration.ofSeconds(10), null, false),
        Arguments.of(Map.of("JOB_SHUTDOWN_TIMEOUT", "PT1M"), Duration.ofMinutes(1), null, false),
        Arguments.of(Map.of("JOB_HEALTH_PORT", "8081"), Duration.ofSeconds(30), 8081, false),
        Arguments.of(Map.of("JOB_HEALTH_PORT", " "), Duration.ofSeconds(30), null, false),
        Arguments.of(Map.of("ENV", "production"), Duration.ofSeconds(30), null, true),
        Arguments.of(Map.of("ENV", "Production"), Duration.ofSeconds(30), null, true),
        Arguments.of(Map.of("ENV", "staging"), Duration.ofSeconds(30), null, false));
  }

  @ParameterizedTest
  @MethodSource("settings")
  void theRuntimeVariablesHaveDefaultsAndAcceptTheDocumentedForms(
      Map<String, String> env, Duration timeout, Integer port, boolean production) {
    RuntimeSettings s = RuntimeSettings.parse(env);
    assertThat(s.shutdownTimeout()).isEqualTo(timeout);
    assertThat(s.healthPort().isPresent() ? s.healthPort().getAsInt() : null).isEqualTo(port);
    assertThat(s.isProduction()).isEqualTo(production);
  }

  static Stream<Arguments> samplers() {
    return Stream.of(
        Arguments.of(Map.of(), "ParentBased{root:TraceIdRatioBased{1.000000}"),
        Arguments.of(Map.of("ENV", "production"), "ParentBased{root:TraceIdRatioBased{0.100000}"),
        Arguments.of(
            Map.of("ENV", "production", "OTEL_TRACES_SAMPLER_ARG", "0.5"),
            "ParentBased{root:TraceIdRatioBased{0.100000}"),
        Arguments.of(
            Map.of(
                "ENV", "production",
                "OTEL_TRACES_SAMPLER", "parentbased_traceidratio",
                "OTEL_TRACES_SAMPLER_ARG", "0.5"),
            "ParentBased{root:TraceIdRatioBased{0.500000}"),
        Arguments.of(
            Map.of("ENV", "production", "OTEL_TRACES_SAMPLER", "always_on"), "AlwaysOnSampler"),
        Arguments.of(
            Map.of("OTEL_TRACES_SAMPLER", "traceidratio", "OTEL_TRACES_SAMPLER_ARG", "0.25"),
            "TraceIdRatioBased{0.250000}"));
  }

  @ParameterizedTest
  @MethodSource("samplers")
  void theDefaultSamplerIsParentBasedRatioUnlessOtelTracesSamplerSaysOtherwise(
      Map<String, String> env, String description) {
    Map<String, String> all = new HashMap<>(env);
    all.put("MESSAGING_BROKER", "in-memory");
    try (JobRuntime runtime = JobRuntime.builder().setEnvironment(quiet(all)).build()) {
      OpenTelemetrySdk sdk = (OpenTelemetrySdk) runtime.openTelemetry();
      assertThat(sdk.getSdkTracerProvider().getSampler().getDescription()).startsWith(description);
    }
  }

  static Stream<Arguments> batchSettings() {
    return Stream.of(
        Arguments.of(Map.of(), "maxExportBatchSize=4096", "scheduleDelayNanos=200000000"),
        Arguments.of( // a smaller queue alone lowers our batch default instead of failing
            Map.of("OTEL_BSP_MAX_QUEUE_SIZE", "1000"),
            "maxExportBatchSize=1000",
            "scheduleDelayNanos=200000000"),
        Arguments.of(
            Map.of("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "100", "OTEL_BSP_SCHEDULE_DELAY", "5000"),
            "maxExportBatchSize=100",
            "scheduleDelayNanos=5000000000"));
  }

  @ParameterizedTest
  @MethodSource("batchSettings")
  void theBatchSpanProcessorHasOurDefaultsUnlessOtelBspVariablesSayOtherwise(
      Map<String, String> env, String batch, String delay) {
    Map<String, String> all = new HashMap<>(env);
    all.put("MESSAGING_BROKER", "in-memory");
    all.put("OTEL_TRACES_EXPORTER", "otlp"); // a batch processor exists only with an exporter
    all.put("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9"); // nothing is exported here
    try (JobRuntime runtime = JobRuntime.builder().setEnvironment(quiet(all)).build()) {
      OpenTelemetrySdk sdk = (OpenTelemetrySdk) runtime.openTelemetry();
      assertThat(sdk.getSdkTracerProvider().toString())
          .contains("BatchSpanProcessor")
          .contains(batch)
          .contains(delay);
    }
  }

  @Test
  void secretsAreMaskedInAnyMessage() {
    Map<String, String> env =
        Map.of(
            "RABBITMQ_URL", "amqps://jobs:hunter22@mq.internal:5671/prod",
            "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG",
            "OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=abc123secret,team=sbom");
    String masked =
        Secrets.mask(
            "RABBITMQ_URL is wrong: amqps://jobs:hunter22@mq.internal:5671/prod; key"
                + " wJalrXUtnFEMI/K7MDENG; header abc123secret",
            env);
    assertThat(masked)
        .doesNotContain("hunter22", "wJalrXUtnFEMI", "abc123secret")
        .contains("amqps://jobs:****@mq.internal:5671/prod");
  }

  /** {@code env} with exporters that need no collector, for tests about other things. */
  static Map<String, String> quiet(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.putIfAbsent("OTEL_TRACES_EXPORTER", "none");
    all.putIfAbsent("OTEL_METRICS_EXPORTER", "none");
    all.putIfAbsent("OTEL_LOGS_EXPORTER", "none");
    return all;
  }
}
