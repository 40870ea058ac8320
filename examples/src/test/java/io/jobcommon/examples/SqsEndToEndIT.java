package io.jobcommon.examples;

import io.jobcommon.examples.domain.Queues;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The end-to-end scenario on SQS: an embedded ElasticMQ (a real SQS-protocol server) reached by the
 * SQS transport through {@code SQS_ENDPOINT}, queues created on first use.
 */
class SqsEndToEndIT extends EndToEndScenario {
  private static SQSRestServer server;
  private static String endpoint;

  @BeforeAll
  static void startSqs() {
    server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
    endpoint = "http://127.0.0.1:" + server.waitUntilStarted().localAddress().getPort();
  }

  @AfterAll
  static void stopSqs() {
    server.stopAndGetFuture().apply(); // finishes once its open long polls time out
  }

  @Override
  protected Map<String, String> brokerEnvironment() {
    return Map.of(
        "MESSAGING_BROKER", "sqs",
        "SQS_ENDPOINT", endpoint,
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
