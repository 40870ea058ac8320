package io.jobcommon.messaging.sqs;

import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.testing.TransportCapabilities;
import io.jobcommon.messaging.testing.TransportConformanceKit;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shared transport behaviour, on SQS as served by an embedded ElasticMQ. */
class SqsTransportConformanceIT extends TransportConformanceKit {
  @RegisterExtension static final ElasticMq sqs = new ElasticMq();

  @Override
  protected Transport createTransport() {
    return sqs.transport().build();
  }

  @Override
  protected TransportCapabilities capabilities() {
    return TransportCapabilities.basic()
        .withFifoGroups()
        .withMaxBodySize(SqsLimits.MAX_MESSAGE_BYTES);
  }

  @Override
  protected String newFifoQueueName() {
    return newQueueName() + ".fifo";
  }
}
