package io.jobcommon.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.messaging.JobConsumer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * MESSAGING_BROKER=rabbitmq finds messaging-rabbitmq through ServiceLoader and carries a message
 * through the RabbitMQ server on 127.0.0.1:5672 (or RABBITMQ_URL).
 */
class RabbitMqBrokerIT {
  record Ping(String id) {}

  @Test
  void startsAndProcessesAMessage() throws Exception {
    String url =
        System.getenv().getOrDefault("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/%2F");
    String queue = "job-runtime-it-" + UUID.randomUUID();
    CompletableFuture<String> received = new CompletableFuture<>();
    try (JobRuntime runtime =
        JobRuntime.builder()
            .setEnvironment(
                ConfigurationTest.quiet(
                    Map.of("MESSAGING_BROKER", "rabbitmq", "RABBITMQ_URL", url)))
            .setRegisterShutdownHook(false)
            .build()) {
      runtime.start(JobConsumer.of(queue, Ping.class, (p, ctx) -> received.complete(p.id())));
      runtime.client().send(queue, new Ping("p-1"));

      assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo("p-1");
      assertThat(runtime.isHealthy()).isTrue();
      assertThat(runtime.status().broker()).isEqualTo("rabbitmq");
    }
  }

  @Test
  void anUnreachableBrokerAtStartIsOneLineWithoutThePasswordAndExitCode1() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        JobRuntime.launch(
            JobRuntime.builder()
                .setRegisterShutdownHook(false)
                .setEnvironment(
                    ConfigurationTest.quiet(
                        Map.of(
                            "MESSAGING_BROKER",
                            "rabbitmq",
                            "RABBITMQ_URL",
                            "amqp://worker:s3cr3t-pw@127.0.0.1:1/%2F"))),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            runtime -> {
              throw new AssertionError("must not run");
            });
    String printed = err.toString(StandardCharsets.UTF_8);
    assertThat(code).isEqualTo(JobRuntime.EXIT_FAILURE);
    assertThat(printed).startsWith("startup failed: ").hasLineCount(1).doesNotContain("s3cr3t-pw");
  }
}
