package io.jobcommon.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.messaging.JobConsumer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** MESSAGING_BROKER=in-memory is found through ServiceLoader and carries a message end to end. */
class InMemoryBrokerTest {
  record Ping(String id) {}

  @Test
  void startsAndProcessesAMessage() throws Exception {
    CompletableFuture<String> received = new CompletableFuture<>();
    try (JobRuntime runtime =
        JobRuntime.builder()
            .setEnvironment(ConfigurationTest.quiet(Map.of("MESSAGING_BROKER", "in-memory")))
            .setRegisterShutdownHook(false)
            .build()) {
      runtime.start(JobConsumer.of("pings", Ping.class, (p, ctx) -> received.complete(p.id())));
      runtime.client().send("pings", new Ping("p-1"));

      assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo("p-1");
      assertThat(runtime.isHealthy()).isTrue();
    }
  }
}
