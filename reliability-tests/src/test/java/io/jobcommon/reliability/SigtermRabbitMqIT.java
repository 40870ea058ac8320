package io.jobcommon.reliability;

import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.rabbitmq.RabbitMqTransport;
import io.jobcommon.messaging.spi.Transport;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/** {@link AbstractSigtermIT} on RabbitMQ. */
@ReliabilityTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SigtermRabbitMqIT extends AbstractSigtermIT {
  private static RabbitBroker rabbit;
  private static RabbitMqTransport transport;

  @BeforeAll
  static void connect(RabbitBroker broker) {
    rabbit = broker;
    transport = broker.transport().build();
  }

  @AfterAll
  static void close() {
    transport.close();
  }

  @Override
  String broker() {
    return "rabbitmq";
  }

  @Override
  Map<String, String> brokerEnv() {
    return Map.of("MESSAGING_BROKER", "rabbitmq", "RABBITMQ_URL", rabbit.url());
  }

  @Override
  MessageClient client() {
    return MessageClient.create(transport);
  }

  @Override
  Transport drainTransport() {
    return transport;
  }

  @Override
  String newQueue() {
    return RabbitBroker.queue("sigterm");
  }

  @Override
  int leaseSeconds() {
    return 30;
  }
}
