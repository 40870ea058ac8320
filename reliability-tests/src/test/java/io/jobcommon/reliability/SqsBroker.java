package io.jobcommon.reliability;

import io.jobcommon.messaging.sqs.SqsTransport;
import java.net.URI;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The SQS the suite runs against: an embedded ElasticMQ in the test JVM (so it outlives worker JVMs
 * that are killed), and credentials with a distinctive random secret key: what {@link SecretsIT}
 * looks for in the logs (ElasticMQ does not check signatures, the SDK still signs with it). One per
 * suite run (see {@link SuiteExtension}). Thread-safe.
 */
final class SqsBroker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SqsBroker.class);
  static final String ACCESS_KEY_ID = "AKIAJCRELIABILITY001";
  static final String REGION = "us-east-1";

  private final SQSRestServer server;
  private final URI endpoint;
  private final String secretKey;

  private SqsBroker(SQSRestServer server, URI endpoint, String secretKey) {
    this.server = server;
    this.endpoint = endpoint;
    this.secretKey = secretKey;
  }

  static SqsBroker start() {
    SQSRestServer server =
        SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
    int port = server.waitUntilStarted().localAddress().getPort();
    SecureRandom r = new SecureRandom();
    StringBuilder secret = new StringBuilder("jcSqsSecret/");
    String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    for (int i = 0; i < 28; i++) {
      secret.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    log.info("embedded ElasticMQ for the reliability suite on 127.0.0.1:{}", port);
    return new SqsBroker(server, URI.create("http://127.0.0.1:" + port), secret.toString());
  }

  URI endpoint() {
    return endpoint;
  }

  int port() {
    return endpoint.getPort();
  }

  /** The secret key: what must never appear in any log. */
  String secretKey() {
    return secretKey;
  }

  AwsCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, secretKey));
  }

  /** A transport builder on the embedded server (or {@code endpoint}), auto-create on. */
  SqsTransport.Builder transport(URI endpoint) {
    return SqsTransport.builder()
        .setEndpointOverride(endpoint)
        .setRegion(REGION)
        .setCredentialsProvider(credentials())
        .setAutoCreateQueues(true);
  }

  SqsTransport.Builder transport() {
    return transport(endpoint);
  }

  /** A raw client of {@code endpoint}, with {@code interceptors} on every call. */
  SqsAsyncClient client(URI endpoint, ExecutionInterceptor... interceptors) {
    return SqsAsyncClient.builder()
        .region(Region.of(REGION))
        .endpointOverride(endpoint)
        .credentialsProvider(credentials())
        .overrideConfiguration(o -> o.executionInterceptors(List.of(interceptors)))
        .build();
  }

  /**
   * A raw client of {@code endpoint} that gives up on an attempt after {@code attemptTimeout} (the
   * SDK's default would wait for its 30 s read timeout, three times).
   */
  SqsAsyncClient client(URI endpoint, java.time.Duration attemptTimeout) {
    return SqsAsyncClient.builder()
        .region(Region.of(REGION))
        .endpointOverride(endpoint)
        .credentialsProvider(credentials())
        .overrideConfiguration(o -> o.apiCallAttemptTimeout(attemptTimeout))
        .build();
  }

  /** The environment a child JVM needs to reach this server through the job runtime. */
  Map<String, String> childEnv() {
    return Map.of(
        "MESSAGING_BROKER",
        "sqs",
        "SQS_ENDPOINT",
        endpoint.toString(),
        "SQS_AUTO_CREATE_QUEUES",
        "true",
        "AWS_REGION",
        REGION,
        "AWS_ACCESS_KEY_ID",
        ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY",
        secretKey);
  }

  /** A unique queue name. */
  static String queue(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Override
  public void close() {
    server.stopAndGetFuture().apply();
  }

  @Override
  public String toString() {
    return "SqsBroker{" + endpoint + "}";
  }
}
