package io.jobcommon.reliability;

import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.sqs.SqsTransport;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/** {@link AbstractSigtermIT} on SQS (embedded ElasticMQ in this JVM). */
@ReliabilityTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SigtermSqsIT extends AbstractSigtermIT {
  private static SqsBroker sqs;
  private static SqsTransport transport;

  @BeforeAll
  static void connect(SqsBroker broker) {
    sqs = broker;
    transport = broker.transport().build();
  }

  @AfterAll
  static void close() {
    transport.close();
  }

  @Override
  String broker() {
    return "sqs";
  }

  @Override
  Map<String, String> brokerEnv() {
    return sqs.childEnv();
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
    return SqsBroker.queue("sigterm");
  }

  @Override
  int leaseSeconds() {
    return 3;
  }
}
