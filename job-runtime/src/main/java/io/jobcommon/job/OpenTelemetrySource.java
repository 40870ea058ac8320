package io.jobcommon.job;

import io.jobcommon.messaging.ConfigurationException;
import io.jobcommon.messaging.tracing.MessagingTelemetry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which OpenTelemetry a runtime uses: one per JVM. When the OpenTelemetry Java agent is attached,
 * or other code registered a global OpenTelemetry (an OpenTelemetry or Spring Boot starter, a
 * platform library), that one, since a second SDK beside the agent cannot even make its spans
 * current; otherwise the runtime's own SDK from {@code OTEL_*}. {@value #JOB_OPENTELEMETRY} forces
 * either. Says which in one INFO line, and warns once when the agent's own messaging
 * instrumentation would add a second pair of messaging spans. Stateless.
 */
final class OpenTelemetrySource {
  private static final Logger log = LoggerFactory.getLogger(OpenTelemetrySource.class);

  static final String JOB_OPENTELEMETRY = "JOB_OPENTELEMETRY";

  /** The values of {@value #JOB_OPENTELEMETRY}. */
  enum Choice {
    /** The global instance when the agent is attached or one was registered, else our SDK. */
    AUTO,
    /** {@code GlobalOpenTelemetry.get()}, whatever it is. */
    GLOBAL,
    /** The runtime's own SDK from {@code OTEL_*}, even beside the agent. */
    SDK;

    /** Blank or absent is {@link #AUTO}. */
    static Choice parse(@Nullable String value) {
      if (value == null || value.isBlank()) {
        return AUTO;
      }
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException(
            JOB_OPENTELEMETRY,
            JOB_OPENTELEMETRY
                + " is not a known choice: '"
                + value
                + "' (expected auto, global or sdk)");
      }
    }
  }

  private OpenTelemetrySource() {}

  /** Whether the OpenTelemetry Java agent is attached to this JVM. */
  static boolean agentAttached() {
    return MessagingTelemetry.isJavaAgentAttached();
  }

  /** The instance the application passed to the builder: used as given, flushed, not shut down. */
  static Telemetry given(OpenTelemetry openTelemetry) {
    log.info("OpenTelemetry: the instance passed to JobRuntimeBuilder.setOpenTelemetry");
    return Telemetry.external(openTelemetry);
  }

  /**
   * The telemetry the environment asks for.
   *
   * @param ownSdk builds the runtime's own SDK from {@code OTEL_*}
   * @throws ConfigurationException when {@value #JOB_OPENTELEMETRY} is not a known choice
   */
  static Telemetry select(Map<String, String> environment, Supplier<Telemetry> ownSdk) {
    return select(
        environment, ownSdk, OpenTelemetrySource::agentAttached, GlobalOpenTelemetry::isSet);
  }

  /** {@link #select(Map, Supplier)} with how to detect the agent and a registered global. */
  static Telemetry select(
      Map<String, String> environment,
      Supplier<Telemetry> ownSdk,
      BooleanSupplier agent,
      BooleanSupplier globalSet) {
    Choice choice = Choice.parse(environment.get(JOB_OPENTELEMETRY));
    boolean agentAttached = agent.getAsBoolean();
    if (agentAttached) {
      warnAboutAgentMessagingSpans(environment::get);
    }
    switch (choice) {
      case SDK:
        log.info(
            "OpenTelemetry: the runtime's own SDK from OTEL_* ({}=sdk){}",
            JOB_OPENTELEMETRY,
            agentAttached ? "; the OpenTelemetry Java agent is attached and is NOT used" : "");
        return ownSdk.get();
      case GLOBAL:
        log.info(
            "OpenTelemetry: the global instance, GlobalOpenTelemetry.get() ({}=global)",
            JOB_OPENTELEMETRY);
        return Telemetry.external(GlobalOpenTelemetry.get());
      default:
        break;
    }
    // isSet() never triggers GlobalOpenTelemetry's own autoconfigure; get() below only runs when
    // an instance is there (the agent's, or one registered).
    if (agentAttached) {
      log.info(
          "OpenTelemetry: the OpenTelemetry Java agent's (the global instance); {}=sdk builds the"
              + " runtime's own instead",
          JOB_OPENTELEMETRY);
      return Telemetry.external(GlobalOpenTelemetry.get());
    }
    if (globalSet.getAsBoolean()) {
      log.info(
          "OpenTelemetry: the global instance the application registered"
              + " (GlobalOpenTelemetry.set); {}=sdk builds the runtime's own instead",
          JOB_OPENTELEMETRY);
      return Telemetry.external(GlobalOpenTelemetry.get());
    }
    log.info(
        "OpenTelemetry: the runtime's own SDK from OTEL_* (no OpenTelemetry Java agent, no global"
            + " instance registered)");
    return ownSdk.get();
  }

  /**
   * Warns once when the agent's AWS SDK or RabbitMQ instrumentation is on: it adds its own CONSUMER
   * span per message beside ours, and CLIENT spans per broker call. Its PRODUCER spans are
   * suppressed by ours. Reads the agent's settings where the agent reads them: system properties,
   * then environment variables.
   */
  static void warnAboutAgentMessagingSpans(Function<String, @Nullable String> environment) {
    boolean allOff = "false".equalsIgnoreCase(setting("common.default-enabled", environment));
    String aws = setting("aws-sdk.enabled", environment);
    String rabbit = setting("rabbitmq.enabled", environment);
    boolean awsOn = aws == null ? !allOff : !"false".equalsIgnoreCase(aws);
    boolean rabbitOn = rabbit == null ? !allOff : !"false".equalsIgnoreCase(rabbit);
    if (awsOn || rabbitOn) {
      log.warn(
          "the OpenTelemetry Java agent's own messaging instrumentation is on: each message gets"
              + " the agent's CONSUMER span ('<queue> process') beside this SDK's, plus CLIENT"
              + " spans for broker calls. For exactly one PRODUCER and one CONSUMER span per"
              + " message, start the JVM with OTEL_INSTRUMENTATION_AWS_SDK_ENABLED=false and"
              + " OTEL_INSTRUMENTATION_RABBITMQ_ENABLED=false (or -Dotel.instrumentation.aws-sdk"
              + ".enabled=false -Dotel.instrumentation.rabbitmq.enabled=false)");
    }
  }

  /** {@code otel.instrumentation.<name>}: the system property, else the environment variable. */
  private static @Nullable String setting(
      String name, Function<String, @Nullable String> environment) {
    String property = "otel.instrumentation." + name;
    String value = System.getProperty(property);
    if (value != null && !value.isBlank()) {
      return value.trim();
    }
    String variable = property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    value = environment.apply(variable);
    return value == null || value.isBlank() ? null : value.trim();
  }
}
