package io.jobcommon.messaging.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobcommon.messaging.ConfigurationException;
import io.jobcommon.messaging.spi.TransportProvider;
import io.jobcommon.messaging.spi.TransportSettings;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class RabbitMqTransportProviderTest {
  private final RabbitMqTransportProvider provider = new RabbitMqTransportProvider();

  @Test
  void isFoundByServiceLoaderAsRabbitmq() {
    assertThat(ServiceLoader.load(TransportProvider.class).stream())
        .anyMatch(
            p -> p.get().name().equals("rabbitmq") && p.type() == RabbitMqTransportProvider.class);
  }

  @Test
  void aMissingUrlNamesTheVariable() {
    assertThatThrownBy(() -> provider.create(TransportSettings.of(Map.of())))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("RABBITMQ_URL is not set");
  }

  @Test
  void aMalformedUrlNamesTheVariableWithThePasswordMasked() {
    assertThatThrownBy(
            () -> provider.create(TransportSettings.of(Map.of("RABBITMQ_URL", "amqp//u:pw@host"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "RABBITMQ_URL is not a valid amqp URI: 'amqp//u:***@host'"
                + " (expected amqp[s]://user:pass@host:port/vhost)");
  }

  @Test
  void optionalSettingsAreValidated() {
    String url = "amqp://u:pw@host:5672/%2F";
    assertThatThrownBy(
            () ->
                provider.configure(
                    TransportSettings.of(
                        Map.of("RABBITMQ_URL", url, "RABBITMQ_QUEUE_TYPE", "stream"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("RABBITMQ_QUEUE_TYPE")
        .hasMessageContaining("classic or quorum");
    assertThatThrownBy(
            () ->
                provider.configure(
                    TransportSettings.of(
                        Map.of("RABBITMQ_URL", url, "RABBITMQ_DELAY_TIERS", "1s,,soon"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("RABBITMQ_DELAY_TIERS");
    provider.configure(
        TransportSettings.of(
            Map.of(
                "RABBITMQ_URL", url,
                "RABBITMQ_QUEUE_TYPE", "QUORUM",
                "RABBITMQ_DECLARE_TOPOLOGY", "false")));
  }

  @Test
  void delayTiersParseFromACommaSeparatedList() {
    assertThat(RabbitMqTransportProvider.delayTiers("500ms, 10s,1m,2h"))
        .containsExactly(
            Duration.ofMillis(500),
            Duration.ofSeconds(10),
            Duration.ofMinutes(1),
            Duration.ofHours(2));
  }

  @Test
  void theHeartbeatIsTenSecondsByDefaultAndBadValuesFailWithOneLine() {
    String url = "amqp://u:pw@host:5672/%2F";
    assertThat(provider.configure(TransportSettings.of(Map.of("RABBITMQ_URL", url))).heartbeat())
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(
            provider
                .configure(
                    TransportSettings.of(Map.of("RABBITMQ_URL", url, "RABBITMQ_HEARTBEAT", "3s")))
                .heartbeat())
        .isEqualTo(Duration.ofSeconds(3));
    for (String bad : new String[] {"0", "1500ms", "soon", "-5s", "100000s"}) {
      assertThatThrownBy(
              () ->
                  provider.configure(
                      TransportSettings.of(Map.of("RABBITMQ_URL", url, "RABBITMQ_HEARTBEAT", bad))))
          .as(bad)
          .isInstanceOf(ConfigurationException.class)
          .hasMessageStartingWith("RABBITMQ_HEARTBEAT ")
          .hasMessageContaining("'" + bad + "'")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }
}
