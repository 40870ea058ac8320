package io.jobcommon.benchmarks;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The SQS endpoint of a run: an embedded ElasticMQ in this JVM, or the endpoint given with {@code
 * --sqs-endpoint} (credentials from the SDK's default chain then, else dummy ones that ElasticMQ
 * does not check). Thread-safe.
 */
final class SqsBroker implements AutoCloseable {
  static final AwsCredentialsProvider DUMMY =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"));

  private final URI endpoint;
  private final @Nullable SQSRestServer server;
  private @Nullable SqsAsyncClient admin;

  private SqsBroker(URI endpoint, @Nullable SQSRestServer server) {
    this.endpoint = endpoint;
    this.server = server;
  }

  /** An ElasticMQ on a free port of 127.0.0.1. */
  static SqsBroker embedded() {
    SQSRestServer server =
        SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
    int port = server.waitUntilStarted().localAddress().getPort();
    return new SqsBroker(URI.create("http://127.0.0.1:" + port), server);
  }

  /** The broker at {@code endpoint}. */
  static SqsBroker external(String endpoint) {
    return new SqsBroker(URI.create(endpoint), null);
  }

  URI endpoint() {
    return endpoint;
  }

  AwsCredentialsProvider credentials() {
    return server != null || System.getenv("AWS_ACCESS_KEY_ID") == null
        ? DUMMY
        : software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider.builder().build();
  }

  /** A new raw client of the broker; the caller closes it. */
  SqsAsyncClient client() {
    return SqsAsyncClient.builder()
        .region(Region.US_EAST_1)
        .endpointOverride(endpoint)
        .credentialsProvider(credentials())
        .build();
  }

  /** A client for deleting queues, shared by the runs; closed with the broker. */
  synchronized SqsAsyncClient admin() {
    if (admin == null) {
      admin = client();
    }
    return admin;
  }

  /**
   * Runs {@code rounds} of SendMessage, SendMessageBatch, ReceiveMessage and DeleteMessageBatch
   * through the broker, so that an embedded one has loaded and compiled its code paths before a
   * measurement whose first message must not pay for the server's own start (a real SQS is warm).
   */
  void warm(int rounds) {
    SqsAsyncClient c = admin();
    String url = c.createQueue(b -> b.queueName("bench-warm-broker")).join().queueUrl();
    for (int i = 0; i < rounds; i++) {
      c.sendMessage(b -> b.queueUrl(url).messageBody("warm")).join();
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (int k = 0; k < 10; k++) {
        entries.add(SendMessageBatchRequestEntry.builder().id("e" + k).messageBody("w").build());
      }
      c.sendMessageBatch(b -> b.queueUrl(url).entries(entries)).join();
      List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
      for (Message m :
          c.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)).join().messages()) {
        done.add(
            DeleteMessageBatchRequestEntry.builder()
                .id("d" + done.size())
                .receiptHandle(m.receiptHandle())
                .build());
      }
      if (!done.isEmpty()) {
        c.deleteMessageBatch(b -> b.queueUrl(url).entries(done)).join();
      }
    }
    c.deleteQueue(b -> b.queueUrl(url)).join();
  }

  @Override
  public synchronized void close() {
    if (admin != null) {
      admin.close();
    }
    if (server != null) {
      // Not stopAndWait: it waits for long polls still open on the server (up to 20 s) although
      // their clients are gone. The stop goes on in the background.
      server.stopAndGetFuture().apply();
    }
  }
}
