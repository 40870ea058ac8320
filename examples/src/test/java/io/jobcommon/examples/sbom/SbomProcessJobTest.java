package io.jobcommon.examples.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.examples.domain.Component;
import io.jobcommon.examples.domain.SbomUploaded;
import io.jobcommon.job.JobRuntime;
import io.jobcommon.messaging.testing.InMemoryTransport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The user's unit test of ARCHITECTURE 1b: a job on the in-memory broker, no broker running. */
class SbomProcessJobTest {

  @Test
  void splitsTheSbomIntoComponentBatchesOfTwo() {
    long started = System.nanoTime();
    // snippet:start unit-test
    InMemoryTransport broker = InMemoryTransport.create(); // nothing is exported on it
    try (JobRuntime runtime = JobRuntime.builder().setTransport(broker).build()) {
      runtime.start(new SbomProcessJob());
      List<Component> components =
          List.of(
              new Component("log4j-core", "2.14.1"),
              new Component("slf4j-api", "2.0.17"),
              new Component("commons-text", "1.9"));
      runtime.client().send("sbom-process-queue", new SbomUploaded("s1", "o1", components));
      broker.awaitIdle(Duration.ofSeconds(5));
      assertThat(broker.sentTo("component-process-queue")).hasSize(2); // batches of two
    }
    // snippet:end unit-test
    System.out.printf(
        "README unit-test snippet: %d ms (runtime built, 1 message, closed)%n",
        (System.nanoTime() - started) / 1_000_000);
    List<String> batches =
        broker.sentTo("component-process-queue").stream()
            .map(m -> new String(m.body(), StandardCharsets.UTF_8))
            .toList();
    assertThat(batches)
        .containsExactlyInAnyOrder(
            "{\"sbomId\":\"s1\",\"orgId\":\"o1\",\"components\":["
                + "{\"name\":\"log4j-core\",\"version\":\"2.14.1\"},"
                + "{\"name\":\"slf4j-api\",\"version\":\"2.0.17\"}]}",
            "{\"sbomId\":\"s1\",\"orgId\":\"o1\",\"components\":["
                + "{\"name\":\"commons-text\",\"version\":\"1.9\"}]}");
    broker.close();
  }
}
