package io.jobcommon.messaging.sqs;

import io.jobcommon.messaging.Dispatcher;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.JobContext;
import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.OutgoingMessage;
import java.net.URI;
import java.util.concurrent.CountDownLatch;

/**
 * The README's SQS example, compiled and run by {@code SqsUsageExampleIT}: a worker and a sender on
 * one {@link SqsTransport}.
 */
final class SqsUsageExample {
  /** The payloads: plain records, JSON on the wire. */
  record SbomUploaded(String sbomId, String orgId) {}

  /** A worker: returning acks, throwing retries with backoff, then dead-letters. */
  static final class SbomProcessJob extends JobConsumer<SbomUploaded> {
    private final CountDownLatch done;

    SbomProcessJob(CountDownLatch done) {
      super("sbom-process-queue");
      this.done = done;
    }

    @Override
    protected void handle(SbomUploaded sbom, JobContext ctx) {
      done.countDown();
    }
  }

  private SqsUsageExample() {}

  /** Sends two messages and processes them; {@code endpoint} is LocalStack or ElasticMQ. */
  static void run(URI endpoint, CountDownLatch done) {
    // In production: SqsTransport.builder().setRegion("eu-west-1").build(), queues made by
    // infrastructure code; or MESSAGING_BROKER=sqs with AWS_REGION through JobRuntime.
    SqsTransport transport =
        SqsTransport.builder()
            .setEndpointOverride(endpoint)
            .setCredentialsProvider(ElasticMq.CREDENTIALS)
            .setAutoCreateQueues(true) // development only: creates the queue and its -dlq
            .build();
    try (Dispatcher dispatcher = Dispatcher.builder(transport).build()) {
      dispatcher.start(new SbomProcessJob(done));

      MessageClient client = MessageClient.create(transport);
      client.send("sbom-process-queue", new SbomUploaded("s1", "o1"));
      // FIFO queues need a group id; messages of one group are handled in order.
      client.send(
          OutgoingMessage.builder("sbom-process-queue")
              .setPayload(new SbomUploaded("s2", "o1"))
              .setHeader("tenant", "o1")
              .build());
      await(done);
    } finally {
      transport.close();
    }
  }

  private static void await(CountDownLatch done) {
    try {
      if (!done.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
        throw new IllegalStateException("messages were not processed in 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
