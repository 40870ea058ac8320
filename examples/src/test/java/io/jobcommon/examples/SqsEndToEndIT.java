package io.jobcommon.examples;

import io.jobcommon.examples.domain.Queues;
import io.jobcommon.testfixtures.EmbeddedSqs;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The end-to-end scenario on SQS: an embedded ElasticMQ (a real SQS-protocol server) reached by the
 * SQS transport through {@code SQS_ENDPOINT}, queues created on first use.
 */
class SqsEndToEndIT extends EndToEndScenario {
  @RegisterExtension static final EmbeddedSqs sqs = new EmbeddedSqs();

  @Override
  protected Map<String, String> brokerEnvironment() {
    return Map.of(
        "MESSAGING_BROKER", "sqs",
        "SQS_ENDPOINT", sqs.endpoint().toString(),
        "AWS_REGION", "us-east-1",
        "SQS_AUTO_CREATE_QUEUES", "true",
        "AWS_ACCESS_KEY_ID", "test",
        "AWS_SECRET_ACCESS_KEY", "test");
  }

  @Override
  protected Queues queues() {
    return Queues.DEFAULT;
  }
}
