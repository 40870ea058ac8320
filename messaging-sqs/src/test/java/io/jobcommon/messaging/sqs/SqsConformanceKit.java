package io.jobcommon.messaging.sqs;

import io.jobcommon.messaging.testing.TransportCapabilities;
import io.jobcommon.messaging.testing.TransportConformanceKit;

/**
 * The conformance kit with what SQS can do: FIFO groups on {@code .fifo} queues and a 1 MiB limit;
 * no expiring leases, as the visibility heartbeat keeps every unsettled message invisible while its
 * consumer runs.
 */
abstract class SqsConformanceKit extends TransportConformanceKit {
  @Override
  protected TransportCapabilities capabilities() {
    return TransportCapabilities.basic()
        .withFifoGroups()
        .withMaxBodySize(SqsLimits.MAX_MESSAGE_BYTES);
  }

  @Override
  protected String newFifoQueueName() {
    return newQueueName() + QueueDirectory.FIFO_SUFFIX;
  }
}
