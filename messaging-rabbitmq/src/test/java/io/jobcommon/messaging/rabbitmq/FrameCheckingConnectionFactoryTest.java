package io.jobcommon.messaging.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.ConnectionFactory;
import org.junit.jupiter.api.Test;

class FrameCheckingConnectionFactoryTest {

  @Test
  void aCopyOfAGivenFactoryChecksFramesAndKeepsItsSettings() {
    ConnectionFactory source = new ConnectionFactory();
    source.setHost("rabbit.example");
    source.setPort(5673);
    source.setUsername("app");
    source.setPassword("secret");
    source.setVirtualHost("jobs");
    source.setRequestedHeartbeat(7);
    source.setNetworkRecoveryInterval(1234);
    source.setConnectionTimeout(4321);

    ConnectionFactory copy = FrameCheckingConnectionFactory.copyOf(source);

    assertThat(copy).isInstanceOf(FrameCheckingConnectionFactory.class).isNotSameAs(source);
    assertThat(copy.getHost()).isEqualTo("rabbit.example");
    assertThat(copy.getPort()).isEqualTo(5673);
    assertThat(copy.getUsername()).isEqualTo("app");
    assertThat(copy.getPassword()).isEqualTo("secret");
    assertThat(copy.getVirtualHost()).isEqualTo("jobs");
    assertThat(copy.getRequestedHeartbeat()).isEqualTo(7);
    assertThat(copy.getNetworkRecoveryInterval()).isEqualTo(1234);
    assertThat(copy.getConnectionTimeout()).isEqualTo(4321);
    copy.setHost("other"); // a copy: the caller's factory is not changed
    assertThat(source.getHost()).isEqualTo("rabbit.example");
  }
}
