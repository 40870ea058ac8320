package io.jobcommon.messaging.sqs;

import java.net.URI;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * An embedded ElasticMQ (a real SQS-protocol server in the test JVM) shared by one test class:
 * {@code @RegisterExtension static final ElasticMq sqs = new ElasticMq();} starts it before the
 * class's first test and stops it after its last. Shared with other modules' tests through this
 * module's test jar.
 */
public final class ElasticMq implements BeforeAllCallback, AfterAllCallback {
  /** ElasticMQ does not check signatures; any key will do. */
  public static final AwsCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

  private SQSRestServer server;
  private URI endpoint;

  @Override
  public void beforeAll(ExtensionContext context) {
    server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
    int port = server.waitUntilStarted().localAddress().getPort();
    endpoint = URI.create("http://127.0.0.1:" + port);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      // Start the stop without waiting: a consumer's cancelled long poll keeps the server's
      // graceful termination busy for its full 20 s, and the next class starts its own server.
      server.stopAndGetFuture().apply();
    }
  }

  /** The server's endpoint, {@code http://127.0.0.1:<port>}. */
  public URI endpoint() {
    return endpoint;
  }

  /** A raw client of the server, with {@code interceptors} (the SDK's own seam) on every call. */
  public SqsAsyncClient client(ExecutionInterceptor... interceptors) {
    return SqsAsyncClient.builder()
        .region(Region.US_EAST_1)
        .endpointOverride(endpoint)
        .credentialsProvider(CREDENTIALS)
        .overrideConfiguration(o -> o.executionInterceptors(java.util.List.of(interceptors)))
        .build();
  }

  /** A transport builder that makes its own client for this server, auto-create on. */
  public SqsTransport.Builder transport() {
    return SqsTransport.builder()
        .setEndpointOverride(endpoint)
        .setCredentialsProvider(CREDENTIALS)
        .setAutoCreateQueues(true);
  }
}
