package io.jobcommon.job;

import io.jobcommon.messaging.ConfigurationException;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.spi.TransportSettings;
import java.util.Map;
import java.util.Objects;

/**
 * Starts a {@link JobRuntime} from its builder: the settings and the broker first, so that a bad
 * value fails before the OpenTelemetry SDK starts exporting; what was opened is closed again if a
 * later step fails, and a configuration error never carries a secret. Not instantiable.
 */
final class RuntimeStart {
  private RuntimeStart() {}

  static JobRuntime create(JobRuntimeBuilder b) {
    Map<String, String> env = b.environment != null ? b.environment : System.getenv();
    try {
      RuntimeSettings settings = RuntimeSettings.parse(env);
      String broker = null;
      if (b.transport == null) {
        broker =
            settings
                .broker()
                .orElseThrow(
                    () ->
                        new ConfigurationException(
                            RuntimeSettings.MESSAGING_BROKER,
                            RuntimeSettings.MESSAGING_BROKER
                                + " is not set (expected "
                                + Brokers.EXPECTED
                                + ")"));
      }
      // The broker first: its settings are checked before the SDK starts exporting anything.
      Transport raw;
      if (b.transport != null) {
        raw = b.transport;
      } else {
        TransportSettings ts =
            b.environment == null
                ? TransportSettings.fromEnvironment()
                : TransportSettings.of(b.environment::get);
        raw = Brokers.create(Objects.requireNonNull(broker, "broker"), ts, b.classLoader);
      }
      Telemetry telemetry = null;
      try {
        telemetry =
            b.openTelemetry != null
                ? OpenTelemetrySource.given(b.openTelemetry)
                : OpenTelemetrySource.select(
                    env,
                    () ->
                        Telemetry.autoConfigure(
                            env,
                            b.environment == null,
                            settings,
                            b.serviceName,
                            ExportDefaults.forSystem(raw.system(), env)));
        return new JobRuntime(b, telemetry, raw, settings);
      } catch (RuntimeException e) {
        if (b.transport == null) {
          raw.close();
        }
        if (telemetry != null) {
          telemetry.shutdown(settings.telemetryFlushTimeout());
        }
        throw e;
      }
    } catch (ConfigurationException e) {
      // Providers and the SDK should mask secrets already; make sure no value slips through.
      String masked = Secrets.mask(String.valueOf(e.getMessage()), env);
      throw masked.equals(e.getMessage()) ? e : new ConfigurationException(e.setting(), masked);
    }
  }
}
