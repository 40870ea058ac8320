package io.jobcommon.job;

import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.testing.InMemoryTransport;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker {@link JsonLoggingTest} starts in a child JVM with the shipped JSON logging
 * configuration: it handles one message and logs from inside the handler.
 */
public final class JsonLogMain {
  private static final Logger log = LoggerFactory.getLogger(JsonLogMain.class);

  record Job(String id) {}

  private JsonLogMain() {}

  public static void main(String[] args) {
    InMemoryTransport broker = InMemoryTransport.create();
    try (JobRuntime runtime =
        JobRuntime.builder()
            .setTransport(broker)
            .setEnvironment(Map.of())
            .setRegisterShutdownHook(false)
            .build()) {
      runtime.start(
          JobConsumer.of("json-log", Job.class, (job, ctx) -> log.info("handled {}", job.id())));
      runtime.client().send("json-log", new Job("j-1"));
      broker.awaitIdle(Duration.ofSeconds(20));
    }
  }
}
