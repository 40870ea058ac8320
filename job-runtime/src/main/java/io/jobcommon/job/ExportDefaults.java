package io.jobcommon.job;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where telemetry goes when no {@code OTEL_*} variable says: the exporters' defaults, merged above
 * {@link Telemetry#DEFAULTS} and below every {@code OTEL_*} variable and system property.
 * Immutable.
 *
 * <ul>
 *   <li>The Prometheus endpoint ({@code OTEL_METRICS_EXPORTER=prometheus}, port {@value
 *       #PROMETHEUS_PORT}) listens on every interface: in a container, {@code localhost} (the
 *       exporter's own default) cannot be scraped from outside.
 *   <li>Logs are not exported ({@code OTEL_LOGS_EXPORTER=none}): log lines go to stdout and the
 *       platform's log shipper; {@code OTEL_LOGS_EXPORTER=otlp} turns the export on ({@link
 *       LogExport}).
 *   <li>On the in-memory broker (unit tests) nothing is exported unless an {@code OTEL_*_EXPORTER}
 *       variable asks: a test must not wait on, or log about, a collector that is not there.
 * </ul>
 */
final class ExportDefaults {
  static final String PROMETHEUS_HOST = "otel.exporter.prometheus.host";
  static final int PROMETHEUS_PORT = 9464;
  static final String IN_MEMORY_SYSTEM = "in_memory";
  private static final Pattern EXPORTER_PROPERTY =
      Pattern.compile("otel\\.(?:exporter\\..+|(?:traces|metrics|logs)\\.exporter)");

  private ExportDefaults() {}

  /**
   * The defaults for a runtime on the broker {@code system} ({@code transport.system()}).
   *
   * @param environment the runtime's variables; system properties are looked at too
   * @return property names of the SDK's autoconfigure module and their values
   */
  static Map<String, String> forSystem(String system, Map<String, String> environment) {
    Map<String, String> defaults = new HashMap<>();
    defaults.put(PROMETHEUS_HOST, "0.0.0.0");
    defaults.put("otel.logs.exporter", "none");
    if (IN_MEMORY_SYSTEM.equals(system) && !exporterConfigured(environment)) {
      defaults.put("otel.traces.exporter", "none");
      defaults.put("otel.metrics.exporter", "none");
    }
    return Map.copyOf(defaults);
  }

  /** Whether a variable or system property configures an exporter. */
  static boolean exporterConfigured(Map<String, String> environment) {
    for (Map.Entry<String, String> e : environment.entrySet()) {
      if (e.getKey() != null
          && e.getValue() != null
          && !e.getValue().isBlank()
          && isExporterProperty(e.getKey().toLowerCase(Locale.ROOT).replace('_', '.'))) {
        return true;
      }
    }
    return System.getProperties().stringPropertyNames().stream()
        .anyMatch(ExportDefaults::isExporterProperty);
  }

  private static boolean isExporterProperty(String name) {
    return EXPORTER_PROPERTY.matcher(name).matches();
  }
}
