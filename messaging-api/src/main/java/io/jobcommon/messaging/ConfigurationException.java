package io.jobcommon.messaging;

/**
 * A setting is missing or malformed. The message names the setting, the value (secrets masked) and
 * the expected form, for example {@code RABBITMQ_URL is not a valid amqp URI: 'amqp//host'
 * (expected amqp[s]://user:pass@host:port/vhost)}.
 *
 * <p>Immutable and thread-safe.
 */
public class ConfigurationException extends MessagingException {
  private static final long serialVersionUID = 1L;

  private final String setting;

  /**
   * @param setting the variable or option at fault, for example {@code RABBITMQ_URL}
   * @param message one line: the setting, the value (masked) and the expected form
   */
  public ConfigurationException(String setting, String message) {
    super(message);
    this.setting = setting;
  }

  /** The variable or option at fault. */
  public String setting() {
    return setting;
  }
}
