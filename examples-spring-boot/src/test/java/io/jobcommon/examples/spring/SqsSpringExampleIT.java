package io.jobcommon.examples.spring;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The example service on an embedded ElasticMQ, a real SQS-protocol server in this JVM. */
class SqsSpringExampleIT extends SpringExampleScenario {
  private final SQSRestServer server =
      SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
  private final int port = server.waitUntilStarted().localAddress().getPort();

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
    try (SqsAsyncClient sqs = client()) {
      String url = sqs.getQueueUrl(b -> b.queueName(queue)).join().queueUrl();
      Map<QueueAttributeName, String> a =
          sqs.getQueueAttributes(
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
    server.stopAndGetFuture().apply();
  }

  private SqsAsyncClient client() {
    return SqsAsyncClient.builder()
        .region(Region.US_EAST_1)
        .endpointOverride(URI.create("http://127.0.0.1:" + port))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .build();
  }
}
