package io.jobcommon.reliability;

import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.sqs.SqsTransport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@link AbstractWorkerKillIT} on SQS (embedded ElasticMQ in this JVM, which outlives the killed
 * worker): the dead worker's messages come back when their visibility timeout (the lease, 3 s) runs
 * out, since no heartbeat extends it any more.
 */
@ReliabilityTest
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WorkerKillSqsIT extends AbstractWorkerKillIT {
  private static SqsBroker sqs;
  private static SqsTransport transport;
  private static MessageClient client;
  private static SqsAsyncClient raw;

  @BeforeAll
  static void connect(SqsBroker broker) {
    sqs = broker;
    transport = broker.transport().build();
    client = MessageClient.create(transport);
    raw = broker.client(broker.endpoint());
  }

  @AfterAll
  static void close() {
    transport.close();
    raw.close();
  }

  @Override
  String broker() {
    return "sqs";
  }

  @Override
  Map<String, String> childEnv() {
    return sqs.childEnv();
  }

  @Override
  MessageClient client() {
    return client;
  }

  @Override
  String newQueue() {
    return SqsBroker.queue("kill");
  }

  @Override
  long left(String queue) {
    String url = raw.getQueueUrl(b -> b.queueName(queue)).join().queueUrl();
    Map<QueueAttributeName, String> a =
        raw.getQueueAttributes(
                b ->
                    b.queueUrl(url)
                        .attributeNames(
                            List.of(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)))
            .join()
            .attributes();
    return a.values().stream().mapToLong(Long::parseLong).sum();
  }

  @Override
  int leaseSeconds() {
    return 3;
  }
}
