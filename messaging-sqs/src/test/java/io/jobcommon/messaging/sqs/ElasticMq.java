package io.jobcommon.messaging.sqs;

import io.jobcommon.testfixtures.EmbeddedSqs;
import java.net.URI;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The shared {@link EmbeddedSqs} (test-fixtures) with a transport builder for it:
 * {@code @RegisterExtension static final ElasticMq sqs = new ElasticMq();} starts the server before
 * the class's first test and stops it after its last. Shared with other modules' tests through this
 * module's test jar.
 */
public final class ElasticMq implements BeforeAllCallback, AfterAllCallback {
  /** ElasticMQ does not check signatures; any key will do. */
  public static final AwsCredentialsProvider CREDENTIALS = EmbeddedSqs.CREDENTIALS;

  private final EmbeddedSqs server = new EmbeddedSqs();

  @Override
  public void beforeAll(ExtensionContext context) {
    server.beforeAll(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    server.afterAll(context);
  }

  /** The server's endpoint, {@code http://127.0.0.1:<port>}. */
  public URI endpoint() {
    return server.endpoint();
  }

  /** A raw client of the server, with {@code interceptors} (the SDK's own seam) on every call. */
  public SqsAsyncClient client(ExecutionInterceptor... interceptors) {
    return server.client(interceptors);
  }

  /** A transport builder that makes its own client for this server, auto-create on. */
  public SqsTransport.Builder transport() {
    return SqsTransport.builder()
        .setEndpointOverride(endpoint())
        .setCredentialsProvider(CREDENTIALS)
        .setAutoCreateQueues(true);
  }
}
