package io.jobcommon.job;

import io.jobcommon.messaging.ConfigurationException;
import io.jobcommon.messaging.spi.TransportSettings;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The runtime's own variables, read and checked at once so that a bad value fails at start, not at
 * the first SIGTERM. The OpenTelemetry variables are checked by the SDK (see {@link Telemetry});
 * the broker's by its provider. Immutable.
 */
final class RuntimeSettings {
  static final String MESSAGING_BROKER = "MESSAGING_BROKER";
  static final String JOB_SHUTDOWN_TIMEOUT = "JOB_SHUTDOWN_TIMEOUT";
  static final String JOB_HEALTH_PORT = "JOB_HEALTH_PORT";
  static final String SERVICE_NAME = "SERVICE_NAME";
  static final String ENV = "ENV";
  static final String VERSION = "VERSION";
  static final String JOB_TRACES_KEEP_ERRORS = "JOB_TRACES_KEEP_ERRORS";
  static final String JOB_TELEMETRY_FLUSH_TIMEOUT = "JOB_TELEMETRY_FLUSH_TIMEOUT";

  static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
  static final Duration DEFAULT_TELEMETRY_FLUSH_TIMEOUT = Duration.ofSeconds(5);

  private final Optional<String> broker;
  private final Duration shutdownTimeout;
  private final OptionalInt healthPort;
  private final Optional<String> serviceName;
  private final Optional<String> environmentName;
  private final Optional<String> version;
  private final boolean keepErrors;
  private final Duration telemetryFlushTimeout;

  private RuntimeSettings(
      Optional<String> broker,
      Duration shutdownTimeout,
      OptionalInt healthPort,
      Optional<String> serviceName,
      Optional<String> environmentName,
      Optional<String> version,
      boolean keepErrors,
      Duration telemetryFlushTimeout) {
    this.broker = broker;
    this.shutdownTimeout = shutdownTimeout;
    this.healthPort = healthPort;
    this.serviceName = serviceName;
    this.environmentName = environmentName;
    this.version = version;
    this.keepErrors = keepErrors;
    this.telemetryFlushTimeout = telemetryFlushTimeout;
  }

  /**
   * Reads the runtime's variables from {@code environment}; blank values count as absent.
   *
   * @throws ConfigurationException naming the first variable that is malformed
   */
  static RuntimeSettings parse(Map<String, String> environment) {
    TransportSettings env = TransportSettings.of(environment::get);
    Optional<String> broker = env.get(MESSAGING_BROKER).map(b -> b.toLowerCase(Locale.ROOT));
    Duration timeout = env.getDuration(JOB_SHUTDOWN_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT);
    OptionalInt port = parsePort(env.get(JOB_HEALTH_PORT));
    return new RuntimeSettings(
        broker,
        timeout,
        port,
        env.get(SERVICE_NAME),
        env.get(ENV),
        env.get(VERSION),
        env.getBoolean(JOB_TRACES_KEEP_ERRORS, false),
        env.getDuration(JOB_TELEMETRY_FLUSH_TIMEOUT, DEFAULT_TELEMETRY_FLUSH_TIMEOUT));
  }

  private static OptionalInt parsePort(Optional<String> value) {
    if (value.isEmpty()) {
      return OptionalInt.empty();
    }
    try {
      int port = Integer.parseInt(value.get());
      if (port >= 0 && port <= 65535) {
        return OptionalInt.of(port);
      }
    } catch (NumberFormatException e) {
      // reported below with the expected form
    }
    throw new ConfigurationException(
        JOB_HEALTH_PORT,
        JOB_HEALTH_PORT
            + " is not a port number: '"
            + value.get()
            + "' (expected 1-65535, or 0 for any free port)");
  }

  /** {@code MESSAGING_BROKER}, lowercase, if set. */
  Optional<String> broker() {
    return broker;
  }

  /** {@code JOB_SHUTDOWN_TIMEOUT}, 30 s when absent. */
  Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /**
   * {@code JOB_TELEMETRY_FLUSH_TIMEOUT}, 5 s when absent: how long the way out waits for telemetry
   * after the broker connection closed, however the collector behaves.
   */
  Duration telemetryFlushTimeout() {
    return telemetryFlushTimeout;
  }

  /** {@code JOB_HEALTH_PORT}, if set. */
  OptionalInt healthPort() {
    return healthPort;
  }

  /** {@code SERVICE_NAME}, if set. */
  Optional<String> serviceName() {
    return serviceName;
  }

  /** {@code ENV}, if set. */
  Optional<String> environmentName() {
    return environmentName;
  }

  /** {@code VERSION}, if set. */
  Optional<String> version() {
    return version;
  }

  /**
   * {@code JOB_TRACES_KEEP_ERRORS}: export spans that end in ERROR even when the head sampler
   * dropped their trace.
   */
  boolean keepErrors() {
    return keepErrors;
  }

  /** Whether {@code ENV} names production, where the default sampling ratio is lower. */
  boolean isProduction() {
    return environmentName.map(e -> e.equalsIgnoreCase("production")).orElse(false);
  }
}
