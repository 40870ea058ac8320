package io.jobcommon.job;

import io.jobcommon.messaging.ConfigurationException;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.spi.TransportProvider;
import io.jobcommon.messaging.spi.TransportSettings;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the transport named by {@code MESSAGING_BROKER} among the {@link TransportProvider}s on the
 * class path, so one worker image can carry every broker module and pick one by configuration.
 */
final class Brokers {
  private static final Logger log = LoggerFactory.getLogger(Brokers.class);

  /** The module that provides each broker we ship, for the "add this artifact" message. */
  static final Map<String, String> ARTIFACTS =
      Map.of(
          "sqs", "io.jobcommon:messaging-sqs",
          "rabbitmq", "io.jobcommon:messaging-rabbitmq",
          "in-memory", "io.jobcommon:messaging-testing");

  static final String EXPECTED = "sqs, rabbitmq or in-memory";

  private Brokers() {}

  /**
   * The providers found through {@code loader}, by name; a provider that fails to load is skipped.
   */
  static Map<String, TransportProvider> providers(ClassLoader loader) {
    Map<String, TransportProvider> found = new LinkedHashMap<>();
    Iterator<TransportProvider> it = ServiceLoader.load(TransportProvider.class, loader).iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          break;
        }
        TransportProvider p = it.next();
        found.putIfAbsent(p.name().toLowerCase(java.util.Locale.ROOT), p);
      } catch (ServiceConfigurationError e) {
        log.warn("a transport provider on the class path could not be loaded; skipping it", e);
      }
    }
    return found;
  }

  /**
   * A new transport for {@code broker}.
   *
   * @throws ConfigurationException when the name is unknown, its module is not on the class path,
   *     or the provider finds its own settings wrong
   */
  static Transport create(String broker, TransportSettings settings, ClassLoader loader) {
    TransportProvider provider = provider(broker, loader);
    log.info("messaging broker: {} ({})", broker, provider.getClass().getName());
    return provider.create(settings);
  }

  /**
   * The provider of {@code broker}.
   *
   * @throws ConfigurationException when the name is unknown or its module is not on the class path
   */
  static TransportProvider provider(String broker, ClassLoader loader) {
    Map<String, TransportProvider> providers = providers(loader);
    TransportProvider provider = providers.get(broker);
    if (provider == null) {
      String found =
          providers.isEmpty() ? "none" : String.join(", ", new TreeSet<>(providers.keySet()));
      String artifact = ARTIFACTS.get(broker);
      if (artifact == null) {
        throw new ConfigurationException(
            RuntimeSettings.MESSAGING_BROKER,
            RuntimeSettings.MESSAGING_BROKER
                + " is not a known broker: '"
                + broker
                + "' (expected "
                + EXPECTED
                + "; transports on the class path: "
                + found
                + ")");
      }
      throw new ConfigurationException(
          RuntimeSettings.MESSAGING_BROKER,
          RuntimeSettings.MESSAGING_BROKER
              + "="
              + broker
              + " but no '"
              + broker
              + "' transport is on the class path: add the Maven artifact "
              + artifact
              + " to the service (transports on the class path: "
              + found
              + ")");
    }
    return provider;
  }
}
