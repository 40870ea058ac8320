package io.jobcommon.testfixtures;

import java.net.URI;
import java.util.List;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.jspecify.annotations.Nullable;
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
 * An embedded ElasticMQ: a real SQS-protocol server in the test JVM, on a free port of 127.0.0.1.
 * As a JUnit extension ({@code @RegisterExtension static final EmbeddedSqs sqs = new
 * EmbeddedSqs();}) it starts before the class's first test and stops after its last; elsewhere,
 * {@link #start()} and {@link #close()}. Thread-safe once started.
 */
public final class EmbeddedSqs implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
  /** ElasticMQ does not check signatures; any key will do. */
  public static final AwsCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

  /** The region the raw clients use; ElasticMQ accepts any. */
  public static final Region REGION = Region.US_EAST_1;

  private volatile @Nullable SQSRestServer server;
  private volatile @Nullable URI endpoint;

  /** Starts the server; returns this. */
  public EmbeddedSqs start() {
    SQSRestServer s = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
    int port = s.waitUntilStarted().localAddress().getPort();
    server = s;
    endpoint = URI.create("http://127.0.0.1:" + port);
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /**
   * Starts the stop without waiting: a consumer's cancelled long poll keeps the server's graceful
   * termination busy for its full 20 s, and the next test class starts its own server.
   */
  @Override
  public void close() {
    SQSRestServer s = server;
    if (s != null) {
      server = null;
      s.stopAndGetFuture();
    }
  }

  /** The server's endpoint, {@code http://127.0.0.1:<port>}. */
  public URI endpoint() {
    URI e = endpoint;
    if (e == null) {
      throw new IllegalStateException("the embedded SQS server is not started: call start()");
    }
    return e;
  }

  /** A raw client of the server, with {@code interceptors} (the SDK's own seam) on every call. */
  public SqsAsyncClient client(ExecutionInterceptor... interceptors) {
    return SqsAsyncClient.builder()
        .region(REGION)
        .endpointOverride(endpoint())
        .credentialsProvider(CREDENTIALS)
        .overrideConfiguration(o -> o.executionInterceptors(List.of(interceptors)))
        .build();
  }
}
