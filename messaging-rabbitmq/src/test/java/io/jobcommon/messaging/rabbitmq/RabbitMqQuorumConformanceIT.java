package io.jobcommon.messaging.rabbitmq;

import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.testing.TransportCapabilities;
import io.jobcommon.messaging.testing.TransportConformanceKit;
import org.junit.jupiter.api.AfterAll;

/** The conformance kit on quorum queues, against the local RabbitMQ (or RABBITMQ_URL). */
class RabbitMqQuorumConformanceIT extends TransportConformanceKit {
  private static final Broker BROKER = Broker.local();

  @Override
  protected Transport createTransport() {
    return BROKER.transport().setQueueType(QueueType.QUORUM).build();
  }

  @Override
  protected String newQueueName() {
    return BROKER.track(super.newQueueName());
  }

  @AfterAll
  static void deleteQueues() throws Exception {
    BROKER.deleteQueues();
  }

  @Override
  protected TransportCapabilities capabilities() {
    return TransportCapabilities.basic();
  }
}
