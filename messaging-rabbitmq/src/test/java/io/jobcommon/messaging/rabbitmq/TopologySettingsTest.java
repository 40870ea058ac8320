package io.jobcommon.messaging.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.ConnectionFactory;
import io.jobcommon.messaging.ConfigurationException;
import io.jobcommon.messaging.spi.TransportSettings;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RABBITMQ_TOPOLOGY, its mapping onto RABBITMQ_DECLARE_TOPOLOGY, and an empty vhost. */
class TopologySettingsTest {
  private static final String URL = "amqp://app:s3cr3t@rabbit:5672/jobs";

  private static TopologyMode mode(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("RABBITMQ_URL", URL);
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return new RabbitMqTransportProvider().configure(TransportSettings.of(env)).topologyMode();
  }

  @Test
  void adaptIsTheDefaultAndDeclareTopologyFalseMeansNone() {
    assertThat(mode()).isEqualTo(TopologyMode.ADAPT);
    assertThat(mode("RABBITMQ_DECLARE_TOPOLOGY", "false")).isEqualTo(TopologyMode.NONE);
    assertThat(mode("RABBITMQ_DECLARE_TOPOLOGY", "true")).isEqualTo(TopologyMode.ADAPT);
    assertThat(mode("RABBITMQ_TOPOLOGY", "Strict")).isEqualTo(TopologyMode.STRICT);
    assertThat(mode("RABBITMQ_TOPOLOGY", "none")).isEqualTo(TopologyMode.NONE);
    assertThat(mode("RABBITMQ_TOPOLOGY", "adapt", "RABBITMQ_DECLARE_TOPOLOGY", "false"))
        .isEqualTo(TopologyMode.ADAPT);
  }

  @Test
  void anUnknownModeIsOneLineNamingTheSetting() {
    assertThatThrownBy(() -> mode("RABBITMQ_TOPOLOGY", "loose"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "RABBITMQ_TOPOLOGY is not a topology mode: 'loose' (expected adapt, strict or none)");
  }

  @Test
  void declareTopologyTrueKeepsStrict() {
    RabbitMqTransport.Builder b =
        RabbitMqTransport.builder().setTopologyMode(TopologyMode.STRICT).setDeclareTopology(true);
    assertThat(b.topologyMode()).isEqualTo(TopologyMode.STRICT);
    assertThat(b.setDeclareTopology(false).topologyMode()).isEqualTo(TopologyMode.NONE);
    assertThat(b.setDeclareTopology(true).topologyMode()).isEqualTo(TopologyMode.ADAPT);
  }

  @Test
  void anEmptyVirtualHostIsAConfigurationError() {
    assertThatThrownBy(
            () ->
                AmqpUri.apply(
                    new ConnectionFactory(),
                    "amqp://app:s3cr3t@rabbit:5672/",
                    "RABBITMQ_URL",
                    null))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "RABBITMQ_URL is not a valid amqp URI: 'amqp://app:***@rabbit:5672/' (expected"
                + " amqp[s]://user:pass@host:port/vhost; the virtual host is empty (the URI ends in"
                + " '/'); leave the path out for the default vhost '/', or name it (%2F for '/'))");
    ConnectionFactory cf = new ConnectionFactory();
    AmqpUri.apply(cf, "amqp://app:s3cr3t@rabbit:5672", "RABBITMQ_URL", null);
    assertThat(cf.getVirtualHost()).isEqualTo("/");
  }

  @Test
  void aClashMessageNamesTheArgumentTheQueueAndTheFix() {
    String text =
        "PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'q' in vhost '/': received"
            + " 'true' but current is 'false'";
    assertThat(Topology.adoptMessage("q", Map.of(), text))
        .startsWith("queue 'q' already exists with a different 'durable'")
        .contains("using it as it is")
        .contains("'q-dlq' still work");
    assertThat(Topology.clashMessage("q", Map.of(), text, "amqp://u:***@h:5672/"))
        .contains("'durable'")
        .contains("RABBITMQ_TOPOLOGY=adapt");
  }
}
