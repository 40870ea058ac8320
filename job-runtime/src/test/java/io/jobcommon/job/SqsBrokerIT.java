package io.jobcommon.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.sqs.ElasticMq;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MESSAGING_BROKER=sqs finds messaging-sqs through ServiceLoader and carries a message through an
 * SQS-protocol server (embedded ElasticMQ), configured by environment alone.
 */
class SqsBrokerIT {
  @RegisterExtension static final ElasticMq sqs = new ElasticMq();

  record Ping(String id) {}

  @Test
  void startsAndProcessesAMessage() throws Exception {
    String queue = "job-runtime-it-" + UUID.randomUUID();
    CompletableFuture<String> received = new CompletableFuture<>();
    Map<String, String> env =
        Map.of(
            "MESSAGING_BROKER", "sqs",
            "AWS_REGION", "eu-west-1",
            "SQS_ENDPOINT", sqs.endpoint().toString(),
            "SQS_AUTO_CREATE_QUEUES", "true",
            "AWS_ACCESS_KEY_ID", "test",
            "AWS_SECRET_ACCESS_KEY", "test");
    try (JobRuntime runtime =
        JobRuntime.builder()
            .setEnvironment(ConfigurationTest.quiet(env))
            .setRegisterShutdownHook(false)
            .build()) {
      runtime.start(JobConsumer.of(queue, Ping.class, (p, ctx) -> received.complete(p.id())));
      runtime.client().send(queue, new Ping("p-1"));

      assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo("p-1");
      assertThat(runtime.isHealthy()).isTrue();
      assertThat(runtime.status().broker()).isEqualTo("aws_sqs");
    }
  }
}
