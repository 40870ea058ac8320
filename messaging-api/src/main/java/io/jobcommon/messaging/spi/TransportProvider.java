package io.jobcommon.messaging.spi;

/**
 * Creates a {@link Transport} from settings, found with {@link java.util.ServiceLoader}, so that
 * one worker image can carry several broker modules and pick one by name ({@code
 * MESSAGING_BROKER}). Register an implementation in {@code
 * META-INF/services/io.jobcommon.messaging.spi.TransportProvider}.
 *
 * <p>Implementations are stateless and thread-safe, with a public no-argument constructor.
 */
public interface TransportProvider {

  /** The name users select it by: {@code sqs}, {@code rabbitmq}, {@code in-memory}. */
  String name();

  /**
   * A new transport configured from {@code settings} (environment variables by name).
   *
   * @throws io.jobcommon.messaging.ConfigurationException naming the variable when a setting is
   *     missing or malformed
   */
  Transport create(TransportSettings settings);
}
