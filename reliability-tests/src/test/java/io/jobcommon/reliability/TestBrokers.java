package io.jobcommon.reliability;

import io.jobcommon.messaging.rabbitmq.RabbitMqTransport;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.sqs.SqsTransport;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Opens a transport in a child JVM from the environment the test gave it. */
final class TestBrokers {
  private TestBrokers() {}

  /**
   * {@code rabbitmq}: {@code RABBITMQ_URL}; {@code sqs}: {@code SQS_ENDPOINT}, {@code
   * AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY}, queues created on first use.
   */
  static Transport open(String broker) {
    switch (broker) {
      case "rabbitmq":
        return RabbitMqTransport.builder()
            .setUri(System.getenv("RABBITMQ_URL"))
            .setDelayTiers(RabbitBroker.TEST_TIERS)
            .setRecoveryInterval(Duration.ofMillis(500))
            .setConnectionName("jc-reliability-worker")
            .build();
      case "sqs":
        return SqsTransport.builder()
            .setEndpointOverride(URI.create(System.getenv("SQS_ENDPOINT")))
            .setRegion(SqsBroker.REGION)
            .setCredentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(
                        System.getenv("AWS_ACCESS_KEY_ID"),
                        System.getenv("AWS_SECRET_ACCESS_KEY"))))
            .setAutoCreateQueues(true)
            .build();
      default:
        throw new IllegalArgumentException("unknown broker " + broker);
    }
  }
}
