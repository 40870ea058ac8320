package io.jobcommon.messaging.readme;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.messaging.Dispatcher;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.JobContext;
import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.NonRetryableException;
import io.jobcommon.messaging.RetryPolicy;
import io.jobcommon.messaging.testing.InMemoryTransport;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The code the README shows, compiled and run, so the README cannot drift from the API. */
class ReadmeExamplesTest {

  // README: worker
  public record SbomUploaded(String sbomId, String orgId) {}

  public record ComponentBatch(String sbomId) {}

  public static final class SbomProcessJob extends JobConsumer<SbomUploaded> {
    public SbomProcessJob() {
      super("sbom-process-queue"); // payload type comes from the generic parameter
    }

    @Override
    protected void handle(SbomUploaded sbom, JobContext ctx) {
      if (sbom.orgId().isBlank()) {
        throw new NonRetryableException("sbom " + sbom.sbomId() + " has no organisation");
      }
      ctx.client().send("component-process-queue", new ComponentBatch(sbom.sbomId()));
    }

    @Override
    public RetryPolicy retryPolicy() {
      return RetryPolicy.builder().setMaxAttempts(8).build();
    }
  }

  // README: end

  @Test
  void workerAndApiOnTheInMemoryBroker() {
    // README: test
    InMemoryTransport broker = InMemoryTransport.create();
    try (Dispatcher dispatcher = Dispatcher.builder(broker).build()) {
      dispatcher.start(new SbomProcessJob());

      MessageClient client = MessageClient.create(broker); // the API service's side
      client.send("sbom-process-queue", new SbomUploaded("s1", "o1"));
      client.send("sbom-process-queue", new SbomUploaded("s2", ""));

      broker.awaitIdle(Duration.ofSeconds(5));
      assertThat(broker.sentTo("component-process-queue")).hasSize(1);
      assertThat(broker.deadLettered("sbom-process-queue")).hasSize(1);
    }
    // README: end
    broker.close();
  }
}
