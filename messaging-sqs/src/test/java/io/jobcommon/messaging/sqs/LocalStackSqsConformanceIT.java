package io.jobcommon.messaging.sqs;

import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.testing.TransportCapabilities;
import io.jobcommon.messaging.testing.TransportConformanceKit;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The shared transport behaviour on LocalStack's SQS, where a Docker engine exists; skipped cleanly
 * where none does. The image is pinned to a release that runs without an auth token (override with
 * {@code -Dlocalstack.image=...}; {@code LOCALSTACK_AUTH_TOKEN} is passed on when set).
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackSqsConformanceIT extends TransportConformanceKit {
  @Container static final LocalStackContainer localstack = localstack();

  private static LocalStackContainer localstack() {
    LocalStackContainer c =
        new LocalStackContainer(
                DockerImageName.parse(
                    System.getProperty("localstack.image", "localstack/localstack:4.4.0")))
            .withServices("sqs");
    String token = System.getenv("LOCALSTACK_AUTH_TOKEN");
    if (token != null && !token.isBlank()) {
      c.withEnv("LOCALSTACK_AUTH_TOKEN", token);
    }
    return c;
  }

  @Override
  protected Transport createTransport() {
    return SqsTransport.builder()
        .setEndpointOverride(localstack.getEndpoint())
        .setRegion(localstack.getRegion())
        .setCredentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(localstack.getAccessKey(), localstack.getSecretKey())))
        .setAutoCreateQueues(true)
        .build();
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
