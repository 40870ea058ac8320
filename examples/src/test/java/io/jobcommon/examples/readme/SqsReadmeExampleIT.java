package io.jobcommon.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.examples.domain.Component;
import io.jobcommon.examples.domain.ComponentBatch;
import io.jobcommon.examples.domain.SbomUploaded;
import io.jobcommon.examples.sbom.SbomProcessJob;
import io.jobcommon.messaging.Dispatcher;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.sqs.SqsTransport;
import io.jobcommon.testfixtures.EmbeddedSqs;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The README's SQS example with the examples' types, on an embedded ElasticMQ (a real SQS-protocol
 * server): the SBOM job's follow-up message arrives on {@code component-process-queue}.
 */
class SqsReadmeExampleIT {

  @Test
  void theSbomJobRunsOnSqs() throws Exception {
    List<Component> components = List.of(new Component("log4j-core", "2.14.1"));
    try (EmbeddedSqs sqs = new EmbeddedSqs().start()) {
      URI endpoint = sqs.endpoint();
      AwsCredentialsProvider credentials = EmbeddedSqs.CREDENTIALS;
      // snippet:start sqs
      SqsTransport transport =
          SqsTransport.builder()
              .setEndpointOverride(endpoint) // ElasticMQ here; in AWS: .setRegion("eu-west-1")
              .setCredentialsProvider(credentials) // in AWS: the default chain (task role)
              .setAutoCreateQueues(true) // development only: creates the queue and its -dlq
              .build();
      try (Dispatcher dispatcher = Dispatcher.builder(transport).build()) {
        dispatcher.start(new SbomProcessJob());
        MessageClient client = MessageClient.create(transport);
        client.send("sbom-process-queue", new SbomUploaded("s1", "o1", components));
        assertThat(followUpOf(dispatcher)).isEqualTo("s1"); // the batch the job sent on
      } finally {
        transport.close();
      }
      // snippet:end sqs
    }
  }

  /** The sbom id of the first component batch that arrives. */
  private static String followUpOf(Dispatcher dispatcher) throws Exception {
    CompletableFuture<String> followUp = new CompletableFuture<>();
    dispatcher.start(
        JobConsumer.of(
            "component-process-queue",
            ComponentBatch.class,
            (batch, ctx) -> followUp.complete(batch.sbomId())));
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(followUp::isDone);
    return followUp.get();
  }
}
