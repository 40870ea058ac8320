package io.jobcommon.reliability;

import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.rabbitmq.RabbitMqTransport;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * {@link AbstractWorkerKillIT} on RabbitMQ: the broker requeues a dead connection's unacked
 * messages.
 */
@ReliabilityTest
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WorkerKillRabbitMqIT extends AbstractWorkerKillIT {
  private static RabbitBroker rabbit;
  private static RabbitMqTransport transport;
  private static MessageClient client;

  @BeforeAll
  static void connect(RabbitBroker broker) {
    rabbit = broker;
    transport = broker.transport().build();
    client = MessageClient.create(transport);
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
  Map<String, String> childEnv() {
    return Map.of("RABBITMQ_URL", rabbit.url());
  }

  @Override
  MessageClient client() {
    return client;
  }

  @Override
  String newQueue() {
    return RabbitBroker.queue("kill");
  }

  @Override
  long left(String queue) throws Exception {
    return rabbit.ready(queue);
  }

  @Override
  int leaseSeconds() {
    return 30; // no lease on RabbitMQ: the connection's death requeues at once
  }
}
