package io.jobcommon.messaging.rabbitmq;

/** The conformance kit on classic queues, against the local RabbitMQ (or RABBITMQ_URL). */
class RabbitMqTransportConformanceIT extends RabbitMqConformanceKit {
  @Override
  QueueType queueType() {
    return QueueType.CLASSIC;
  }
}
