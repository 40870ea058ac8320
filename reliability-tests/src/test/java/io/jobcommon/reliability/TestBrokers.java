package io.jobcommon.reliability;

import io.jobcommon.messaging.rabbitmq.RabbitMqTransport;
import io.jobcommon.messaging.spi.Transport;
import java.time.Duration;

/** Opens a transport in a child JVM from the environment the test gave it. */
final class TestBrokers {
  private TestBrokers() {}

  /** {@code rabbitmq}: {@code RABBITMQ_URL}. */
  static Transport open(String broker) {
    switch (broker) {
      case "rabbitmq":
        return RabbitMqTransport.builder()
            .setUri(System.getenv("RABBITMQ_URL"))
            .setDelayTiers(RabbitBroker.TEST_TIERS)
            .setRecoveryInterval(Duration.ofMillis(500))
            .setConnectionName("jc-reliability-worker")
            .build();
      default:
        throw new IllegalArgumentException("unknown broker " + broker);
    }
  }
}
