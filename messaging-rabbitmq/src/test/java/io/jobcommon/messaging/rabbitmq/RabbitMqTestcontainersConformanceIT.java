package io.jobcommon.messaging.rabbitmq;

import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.testing.TransportCapabilities;
import io.jobcommon.messaging.testing.TransportConformanceKit;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * The conformance kit on a RabbitMQ in a container, where a Docker engine exists (skipped cleanly
 * where it does not): the same behaviour on the broker version the image pins.
 */
@Testcontainers(disabledWithoutDocker = true)
class RabbitMqTestcontainersConformanceIT extends TransportConformanceKit {
  @Container
  private static final RabbitMQContainer RABBIT = new RabbitMQContainer("rabbitmq:4.1-management");

  @Override
  protected Transport createTransport() {
    return RabbitMqTransport.builder()
        .setUri("amqp://guest:guest@" + RABBIT.getHost() + ":" + RABBIT.getAmqpPort() + "/%2F")
        .setDelayTiers(Broker.TEST_TIERS)
        .build();
  }

  @Override
  protected TransportCapabilities capabilities() {
    return TransportCapabilities.basic();
  }
}
