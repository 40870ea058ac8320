package io.jobcommon.messaging.sqs;

import io.jobcommon.messaging.spi.Transport;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shared transport behaviour, on SQS as served by an embedded ElasticMQ. */
class SqsTransportConformanceIT extends SqsConformanceKit {
  @RegisterExtension static final ElasticMq sqs = new ElasticMq();

  @Override
  protected Transport createTransport() {
    return sqs.transport().build();
  }
}
