package io.jobcommon.messaging.rabbitmq;

import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.testing.TransportCapabilities;
import io.jobcommon.messaging.testing.TransportConformanceKit;
import org.junit.jupiter.api.AfterAll;

/**
 * The conformance kit against the local RabbitMQ (or RABBITMQ_URL), for one queue type. RabbitMQ
 * declares no capability beyond the common promises: no lease (an unacked message stays on its
 * channel), no FIFO groups, no size limit of its own.
 */
abstract class RabbitMqConformanceKit extends TransportConformanceKit {
  private static final Broker BROKER = Broker.local();

  /** The type of the queues the transport under test declares. */
  abstract QueueType queueType();

  @Override
  protected Transport createTransport() {
    return BROKER.transport().setQueueType(queueType()).build();
  }

  @Override
  protected TransportCapabilities capabilities() {
    return TransportCapabilities.basic();
  }

  @Override
  protected String newQueueName() {
    return BROKER.track(super.newQueueName());
  }

  @AfterAll
  static void deleteQueues() throws Exception {
    BROKER.deleteQueues();
  }
}
