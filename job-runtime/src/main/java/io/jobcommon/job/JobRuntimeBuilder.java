package io.jobcommon.job;

import io.jobcommon.messaging.ConfigurationException;
import io.jobcommon.messaging.PayloadCodec;
import io.jobcommon.messaging.spi.Transport;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link JobRuntime}. What is not set is read from the environment: {@code
 * MESSAGING_BROKER} and the broker's variables, {@code OTEL_*}, {@code SERVICE_NAME}, {@code ENV},
 * {@code VERSION}, {@code JOB_SHUTDOWN_TIMEOUT}, {@code JOB_HEALTH_PORT}. Not thread-safe.
 */
public final class JobRuntimeBuilder {
  @Nullable Transport transport;
  @Nullable OpenTelemetry openTelemetry;
  @Nullable String serviceName;
  @Nullable Duration shutdownTimeout;
  @Nullable Integer healthPort;
  @Nullable Map<String, String> environment;
  PayloadCodec codec = PayloadCodec.json();
  boolean shutdownHook = true;
  ClassLoader classLoader = JobRuntime.class.getClassLoader();

  JobRuntimeBuilder() {}

  /**
   * The transport to use instead of the one {@code MESSAGING_BROKER} names, for example an {@code
   * InMemoryTransport} in tests. It is traced, but not closed by the runtime: it is yours.
   */
  public JobRuntimeBuilder setTransport(Transport transport) {
    this.transport = Objects.requireNonNull(transport, "transport");
    return this;
  }

  /**
   * The OpenTelemetry instance to use instead of the SDK built from {@code OTEL_*}. It is flushed
   * when it is an {@code OpenTelemetrySdk}, never shut down: it is yours.
   */
  public JobRuntimeBuilder setOpenTelemetry(OpenTelemetry openTelemetry) {
    this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
    return this;
  }

  /**
   * The {@code service.name} when {@code OTEL_SERVICE_NAME} and {@code OTEL_RESOURCE_ATTRIBUTES} do
   * not give one; wins over {@code SERVICE_NAME}.
   */
  public JobRuntimeBuilder setServiceName(String serviceName) {
    this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
    return this;
  }

  /**
   * How long a stop waits for running handlers; wins over {@code JOB_SHUTDOWN_TIMEOUT} (30 s by
   * default). Keep it a few seconds below the platform's grace period (ECS {@code stopTimeout},
   * Kubernetes {@code terminationGracePeriodSeconds}) to leave time for the telemetry flush.
   */
  public JobRuntimeBuilder setShutdownTimeout(Duration shutdownTimeout) {
    Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    if (shutdownTimeout.isNegative()) {
      throw new IllegalArgumentException("shutdownTimeout must not be negative");
    }
    this.shutdownTimeout = shutdownTimeout;
    return this;
  }

  /** The port of the health endpoint (0: any free port); wins over {@code JOB_HEALTH_PORT}. */
  public JobRuntimeBuilder setHealthPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535, was " + port);
    }
    this.healthPort = port;
    return this;
  }

  /**
   * The variables to read instead of the process environment (copied), for tests and for settings
   * kept elsewhere. Its {@code OTEL_*} entries configure the SDK.
   */
  public JobRuntimeBuilder setEnvironment(Map<String, String> environment) {
    Objects.requireNonNull(environment, "environment");
    this.environment = new HashMap<>(environment);
    return this;
  }

  /** The codec of {@link JobRuntime#client()} and of consumers' payloads; JSON by default. */
  public JobRuntimeBuilder setCodec(PayloadCodec codec) {
    this.codec = Objects.requireNonNull(codec, "codec");
    return this;
  }

  /**
   * Whether a JVM shutdown (a signal outside {@link JobRuntime#run}, {@code System.exit}) closes
   * the runtime in order; on by default. Turn it off when your framework closes the runtime.
   */
  public JobRuntimeBuilder setRegisterShutdownHook(boolean register) {
    this.shutdownHook = register;
    return this;
  }

  /** Where {@code TransportProvider}s are looked for; this class's loader by default. */
  JobRuntimeBuilder setClassLoader(ClassLoader classLoader) {
    this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
    return this;
  }

  /**
   * The runtime: telemetry set up, broker connected, health endpoint listening.
   *
   * @throws ConfigurationException naming the variable that is missing or malformed, secrets masked
   */
  public JobRuntime build() {
    return RuntimeStart.create(this);
  }
}
