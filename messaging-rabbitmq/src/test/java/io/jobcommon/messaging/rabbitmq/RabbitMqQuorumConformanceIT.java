package io.jobcommon.messaging.rabbitmq;

/** The conformance kit on quorum queues, against the local RabbitMQ (or RABBITMQ_URL). */
class RabbitMqQuorumConformanceIT extends RabbitMqConformanceKit {
  @Override
  QueueType queueType() {
    return QueueType.QUORUM;
  }
}
