package io.jobcommon.examples.spring;

import io.jobcommon.testfixtures.EmbeddedSqs;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The example service on an embedded ElasticMQ, a real SQS-protocol server in this JVM. */
class SqsSpringExampleIT extends SpringExampleScenario {
  private final EmbeddedSqs sqs = new EmbeddedSqs().start();
  private final int port = sqs.endpoint().getPort();

  @Override
  int brokerPort() {
    return port;
  }

  @Override
  Map<String, Object> brokerProperties(int brokerPort) {
    return SpringExampleApplication.embeddedSqs(URI.create("http://127.0.0.1:" + brokerPort));
  }

  @Override
  String sendVerb() {
    return "send";
  }

  @Override
  int depth(String queue) {
    try (SqsAsyncClient client = sqs.client()) {
      String url = client.getQueueUrl(b -> b.queueName(queue)).join().queueUrl();
      Map<QueueAttributeName, String> a =
          client
              .getQueueAttributes(
                  b ->
                      b.queueUrl(url)
                          .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
              .join()
              .attributes();
      // Visible ones only: released messages are visible at once, not after their lease.
      return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }
  }

  @Override
  void deleteQueues(List<String> queues) {
    // The queues live in this test's own server.
  }

  @AfterAll
  void stopServer() {
    sqs.close();
  }
}
