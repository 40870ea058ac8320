package io.jobcommon.messaging.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.ConnectionFactory;
import io.jobcommon.messaging.ConfigurationException;
import org.junit.jupiter.api.Test;

class AmqpUriTest {

  @Test
  void thePasswordIsMaskedInWellFormedAndMalformedUris() {
    assertThat(AmqpUri.mask("amqp://app:s3cr3t@rabbit:5672/jobs"))
        .isEqualTo("amqp://app:***@rabbit:5672/jobs");
    assertThat(AmqpUri.mask("amqps://app:p@ss:w0rd@rabbit/")).isEqualTo("amqps://app:***@rabbit/");
    assertThat(AmqpUri.mask("amqp//app:s3cr3t@rabbit")).isEqualTo("amqp//app:***@rabbit");
    assertThat(AmqpUri.mask("app:s3cr3t@rabbit")).isEqualTo("app:***@rabbit");
    assertThat(AmqpUri.mask("amqp:app:s3cr3t@rabbit")).isEqualTo("amqp:***@rabbit");
    assertThat(AmqpUri.mask("amqp://rabbit:5672/jobs")).isEqualTo("amqp://rabbit:5672/jobs");
    assertThat(AmqpUri.mask("amqp://app@rabbit/")).isEqualTo("amqp://app@rabbit/");
  }

  @Test
  void aUriIsAppliedToTheFactory() {
    ConnectionFactory cf = new ConnectionFactory();
    AmqpUri.apply(cf, "amqp://app:s3cr3t@rabbit.internal:5673/jobs", "RABBITMQ_URL", null);
    assertThat(cf.getHost()).isEqualTo("rabbit.internal");
    assertThat(cf.getPort()).isEqualTo(5673);
    assertThat(cf.getUsername()).isEqualTo("app");
    assertThat(cf.getPassword()).isEqualTo("s3cr3t");
    assertThat(cf.getVirtualHost()).isEqualTo("jobs");
    assertThat(cf.isSSL()).isFalse();
    assertThat(AmqpUri.describe(cf)).isEqualTo("amqp://app:***@rabbit.internal:5673/jobs");
  }

  @Test
  void amqpsTurnsOnTlsOnItsDefaultPort() {
    ConnectionFactory cf = new ConnectionFactory();
    AmqpUri.apply(cf, "amqps://app:s3cr3t@rabbit.internal/%2F", "RABBITMQ_URL", null);
    assertThat(cf.isSSL()).isTrue();
    assertThat(cf.getPort()).isEqualTo(5671);
    assertThat(cf.getVirtualHost()).isEqualTo("/");
  }

  @Test
  void aMalformedUriFailsNamingTheSettingWithThePasswordMasked() {
    assertThatThrownBy(
            () -> AmqpUri.apply(new ConnectionFactory(), "amqp//host", "RABBITMQ_URL", null))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "RABBITMQ_URL is not a valid amqp URI: 'amqp//host'"
                + " (expected amqp[s]://user:pass@host:port/vhost)");
    assertThatThrownBy(
            () ->
                AmqpUri.apply(
                    new ConnectionFactory(), "http://app:s3cr3t@host/", "RABBITMQ_URL", null))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'http://app:***@host/'")
        .hasMessageNotContaining("s3cr3t")
        .extracting(e -> ((ConfigurationException) e).setting())
        .isEqualTo("RABBITMQ_URL");
    assertThatThrownBy(
            () -> AmqpUri.apply(new ConnectionFactory(), "amqp://app:s3cr3t@/", "X", null))
        .hasMessageNotContaining("s3cr3t")
        .hasMessageContaining("no host");
    assertThatThrownBy(() -> AmqpUri.apply(new ConnectionFactory(), "amqp://h/a/b", "X", null))
        .hasMessageContaining("%2F");
  }
}
