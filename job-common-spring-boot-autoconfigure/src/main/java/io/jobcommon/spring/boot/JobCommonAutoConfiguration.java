package io.jobcommon.spring.boot;

import io.jobcommon.job.JobRuntime;
import io.jobcommon.job.JobRuntimeBuilder;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.PayloadCodec;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.tracing.MessagingTelemetry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Configures job-common in a Spring Boot application: a {@link JobRuntime} from the {@code
 * jobcommon.*} properties and the environment, on the application's OpenTelemetry; its {@link
 * MessageClient} and traced {@link Transport} as beans; every {@link JobConsumer} bean and {@link
 * JobListener} method started when the application is ready and drained on shutdown after the web
 * server stopped ({@link JobConsumersLifecycle#PHASE}). Every bean backs off when the application
 * defines its own.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration",
      "io.opentelemetry.instrumentation.spring.autoconfigure.OpenTelemetryAutoConfiguration"
    })
@EnableConfigurationProperties(JobCommonProperties.class)
public class JobCommonAutoConfiguration {
  private static final Logger log = LoggerFactory.getLogger(JobCommonAutoConfiguration.class);

  /** The runtime's variables that Spring may hold under their own names. */
  static final Set<String> VARIABLES = variableNames();

  /** Creates the configuration; Spring calls it. */
  public JobCommonAutoConfiguration() {}

  /**
   * The runtime: broker from {@code jobcommon.broker} / {@code MESSAGING_BROKER}, telemetry from
   * the application's OpenTelemetry. Closed by {@link JobConsumersLifecycle} (in order) or, if that
   * never ran, when the context is destroyed.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public JobRuntime jobCommonRuntime(
      JobCommonProperties properties,
      Environment environment,
      ObjectProvider<OpenTelemetry> openTelemetry,
      ObjectProvider<PayloadCodec> codec,
      ObjectProvider<JobRuntimeCustomizer> customizers) {
    Map<String, String> variables = variables(properties, environment);
    JobRuntimeBuilder builder =
        JobRuntime.builder().setEnvironment(variables).setRegisterShutdownHook(false);
    codec.ifAvailable(builder::setCodec);
    OpenTelemetry chosen = chooseOpenTelemetry(openTelemetry, variables);
    if (chosen != null) {
      builder.setOpenTelemetry(chosen);
    }
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.build();
  }

  /**
   * What the runtime reads as its environment: the process environment; then the runtime's
   * variables wherever Spring finds them under their own names (system properties, {@code
   * application.properties}, test properties); then the {@code jobcommon.*} properties.
   */
  static Map<String, String> variables(JobCommonProperties properties, Environment environment) {
    Map<String, String> variables = new HashMap<>(System.getenv());
    for (String name : VARIABLES) {
      String value = environment.getProperty(name);
      if (value != null) {
        variables.put(name, value);
      }
    }
    variables.putAll(properties.toVariables());
    return variables;
  }

  /** The client on the traced transport; sends continue the current trace. */
  @Bean
  @ConditionalOnMissingBean
  public MessageClient jobCommonMessageClient(JobRuntime runtime) {
    return runtime.client();
  }

  /** The traced transport, for code that works on the broker SPI. */
  @Bean
  @ConditionalOnMissingBean
  public Transport jobCommonTransport(JobRuntime runtime) {
    return runtime.transport();
  }

  /** Finds {@link JobListener} methods on every bean. */
  @Bean
  public static JobListenerPostProcessor jobCommonListenerPostProcessor() {
    return new JobListenerPostProcessor();
  }

  /** Starts the consumers when the application is ready; drains them on shutdown. */
  @Bean
  public JobConsumersLifecycle jobCommonConsumersLifecycle(
      JobRuntime runtime,
      ObjectProvider<JobConsumer<?>> consumers,
      JobListenerPostProcessor listeners) {
    return new JobConsumersLifecycle(runtime, consumers, listeners);
  }

  private static Set<String> variableNames() {
    Set<String> names = new TreeSet<>(ConfigurationFailureAnalyzer.PROPERTIES.keySet());
    names.addAll(
        List.of(
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "JOB_HEALTH_PORT",
            "SERVICE_NAME",
            "ENV",
            "VERSION"));
    return Set.copyOf(names);
  }

  /**
   * The application's OpenTelemetry: the Java agent's when the agent is attached (it owns the
   * context storage, so anything else would be a second SDK beside it); else the application's bean
   * (Spring Boot's, OpenTelemetry's Spring Boot starter's, or its own); else a global one that some
   * code registered; else none on the in-memory broker (no exporter in tests); else null: the
   * runtime builds the only SDK from {@code OTEL_*}.
   */
  static @Nullable OpenTelemetry chooseOpenTelemetry(
      ObjectProvider<OpenTelemetry> beans, Map<String, String> variables) {
    OpenTelemetry bean = beans.getIfUnique();
    // Under the agent, GlobalOpenTelemetry.get() answers with the agent's instance even though
    // nothing in the application set it (isSet() may say false).
    if (MessagingTelemetry.isJavaAgentAttached()) {
      if (bean != null && bean != OpenTelemetry.noop()) {
        log.warn(
            "the OpenTelemetry Java agent is attached: job-common uses its OpenTelemetry, not the"
                + " application's OpenTelemetry bean (a second SDK beside the agent; run without"
                + " OpenTelemetry's Spring Boot starter, or set otel.sdk.disabled=true in Spring's"
                + " properties, when the agent is attached)");
      }
      log.info("job-common uses the global OpenTelemetry (the Java agent's)");
      return GlobalOpenTelemetry.get();
    }
    if (bean != null) {
      log.info("job-common uses the application's OpenTelemetry bean");
      return bean;
    }
    if (GlobalOpenTelemetry.isSet()) {
      log.info("job-common uses the global OpenTelemetry");
      return GlobalOpenTelemetry.get();
    }
    String broker = variables.getOrDefault("MESSAGING_BROKER", "");
    if (broker.trim().toLowerCase(Locale.ROOT).equals("in-memory")) {
      return OpenTelemetry.noop();
    }
    return null;
  }
}
