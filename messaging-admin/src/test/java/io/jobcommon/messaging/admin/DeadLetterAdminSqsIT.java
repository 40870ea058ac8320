package io.jobcommon.messaging.admin;

import io.jobcommon.messaging.sqs.ElasticMq;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** The dead-letter API and tool on SQS (embedded ElasticMQ). */
class DeadLetterAdminSqsIT extends DeadLetterAdminContract {
  @RegisterExtension static final ElasticMq sqs = new ElasticMq();

  @Override
  Map<String, String> environment() {
    return Map.of(
        "MESSAGING_BROKER", "sqs",
        "AWS_REGION", "eu-west-1",
        "SQS_ENDPOINT", sqs.endpoint().toString(),
        "SQS_AUTO_CREATE_QUEUES", "true",
        "AWS_ACCESS_KEY_ID", "test",
        "AWS_SECRET_ACCESS_KEY", "test");
  }

  @Override
  void deleteQueues(List<String> queues) {
    try (SqsAsyncClient client = sqs.client()) {
      for (String q : queues) {
        client
            .getQueueUrl(b -> b.queueName(q))
            .thenCompose(r -> client.deleteQueue(b -> b.queueUrl(r.queueUrl())))
            .exceptionally(e -> null)
            .join();
      }
    }
  }
}
