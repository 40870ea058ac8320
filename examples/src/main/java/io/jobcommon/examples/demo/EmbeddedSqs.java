package io.jobcommon.examples.demo;

import java.net.URI;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/**
 * An SQS-protocol server (ElasticMQ) in this JVM on a free loopback port, so the demo needs no AWS
 * account and no Docker. Queues live in memory and vanish with it. Not thread-safe: one thread
 * starts and stops it.
 */
final class EmbeddedSqs implements AutoCloseable {
  private final SQSRestServer server;
  private final URI endpoint;

  private EmbeddedSqs(SQSRestServer server, URI endpoint) {
    this.server = server;
    this.endpoint = endpoint;
  }

  static EmbeddedSqs start() {
    SQSRestServer server =
        SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
    int port = server.waitUntilStarted().localAddress().getPort();
    return new EmbeddedSqs(server, URI.create("http://127.0.0.1:" + port));
  }

  /** The endpoint to give {@code SQS_ENDPOINT}. */
  URI endpoint() {
    return endpoint;
  }

  /**
   * Starts stopping the server and returns: it finishes on its own threads once the long polls it
   * still holds time out (up to 20 s), which nobody needs to wait for.
   */
  @Override
  public void close() {
    server.stopAndGetFuture().apply();
  }
}
