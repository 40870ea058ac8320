package io.jobcommon.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.sqs.ElasticMq;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every start-up failure of {@code JobRuntime.launch(rt -> rt.run(...))} is one line on stderr
 * naming its cause, and an exit code; a queue missing at start is an error on both brokers.
 */
class StartupErrorsIT {
  @RegisterExtension static final ElasticMq sqs = new ElasticMq();

  private static final String URL =
      System.getenv().getOrDefault("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/%2F");

  record Ping(String id) {}

  /** What {@code launch} printed and returned. */
  record Outcome(int code, String stderr) {}

  private static Outcome launch(Map<String, String> env, String queue) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        JobRuntime.launch(
            JobRuntime.builder()
                .setRegisterShutdownHook(false)
                .setEnvironment(ConfigurationTest.quiet(env)),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            rt -> rt.run(JobConsumer.of(queue, Ping.class, (p, ctx) -> {})));
    return new Outcome(code, err.toString(StandardCharsets.UTF_8));
  }

  private static Map<String, String> rabbit(String url, String... more) {
    Map<String, String> env = new HashMap<>(Map.of("MESSAGING_BROKER", "rabbitmq"));
    env.put("RABBITMQ_URL", url);
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  private static String masked(String url) {
    return url.replaceFirst("//([^:/@]*):[^@]*@", "//$1:***@");
  }

  private static String queue(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static void withChannel(RabbitAction action) throws Exception {
    ConnectionFactory cf = new ConnectionFactory();
    cf.setUri(URL);
    try (Connection c = cf.newConnection("jc-test-raw");
        Channel ch = c.createChannel()) {
      action.run(ch);
    }
  }

  interface RabbitAction {
    void run(Channel ch) throws Exception;
  }

  @Test
  void aMissingQueueWithDeclarationOffOnRabbitMq() {
    String queue = queue("jc-startup-missing");
    Outcome o = launch(rabbit(URL, "RABBITMQ_DECLARE_TOPOLOGY", "false"), queue);
    assertThat(o.code()).isEqualTo(JobRuntime.EXIT_FAILURE);
    assertThat(o.stderr())
        .isEqualTo(
            "startup failed: queue '"
                + queue
                + "' does not exist; RABBITMQ_TOPOLOGY=none (declaration off) at "
                + masked(URL)
                + "; create the queue in your infrastructure code, or let the transport declare"
                + " it (RABBITMQ_TOPOLOGY=adapt)"
                + System.lineSeparator());
  }

  @Test
  void aMissingQueueWithAutoCreateOffOnSqs() {
    String queue = queue("jc-startup-missing");
    Map<String, String> env =
        Map.of(
            "MESSAGING_BROKER", "sqs",
            "AWS_REGION", "eu-west-1",
            "SQS_ENDPOINT", sqs.endpoint().toString(),
            "AWS_ACCESS_KEY_ID", "test",
            "AWS_SECRET_ACCESS_KEY", "test");
    Outcome o = launch(env, queue);
    assertThat(o.code()).isEqualTo(JobRuntime.EXIT_FAILURE);
    assertThat(o.stderr())
        .isEqualTo(
            "startup failed: queue '"
                + queue
                + "' does not exist; create it (with its dead-letter queue '"
                + queue
                + "-dlq') in your infrastructure code, or turn on auto-create"
                + " (SQS_AUTO_CREATE_QUEUES=true, for development)"
                + System.lineSeparator());
  }

  @Test
  void aTopologyConflictInStrictModeNamesTheQueueAndTheArgument() throws Exception {
    String queue = queue("jc-startup-strict");
    withChannel(ch -> ch.queueDeclare(queue, false, false, true, Map.of()));
    try {
      Outcome o = launch(rabbit(URL, "RABBITMQ_TOPOLOGY", "strict"), queue);
      assertThat(o.code()).isEqualTo(JobRuntime.EXIT_FAILURE);
      assertThat(o.stderr())
          .startsWith(
              "startup failed: queue '"
                  + queue
                  + "' already exists at "
                  + masked(URL)
                  + " with a different 'durable' than RabbitMqTransport declares")
          .contains("RABBITMQ_TOPOLOGY=strict refuses it")
          .hasLineCount(1);
    } finally {
      withChannel(ch -> ch.queueDelete(queue));
    }
  }

  @Test
  void anEmptyVirtualHostIsAConfigurationError() {
    String url = URL.replaceAll("/[^/]*$", "/");
    Outcome o = launch(rabbit(url), queue("jc-startup-vhost"));
    assertThat(o.code()).isEqualTo(JobRuntime.EXIT_CONFIGURATION_ERROR);
    assertThat(o.stderr())
        .startsWith("configuration error: RABBITMQ_URL is not a valid amqp URI: 'amqp://")
        .endsWith(
            ":5672/' (expected amqp[s]://user:pass@host:port/vhost; the virtual host is empty (the"
                + " URI ends in '/'); leave the path out for the default vhost '/', or name it (%2F"
                + " for '/'))"
                + System.lineSeparator());
  }

  @Test
  void anUnknownVirtualHostIsNamed() {
    String url = URL.replaceAll("/[^/]*$", "/jc-no-such-vhost");
    Outcome o = launch(rabbit(url), queue("jc-startup-vhost"));
    assertThat(o.code()).isEqualTo(JobRuntime.EXIT_FAILURE);
    assertThat(o.stderr())
        .isEqualTo(
            "startup failed: cannot connect to RabbitMQ at "
                + masked(url)
                + ": the virtual host 'jc-no-such-vhost' does not exist or the user may not use it"
                + " (broker: NOT_ALLOWED - vhost jc-no-such-vhost not found); create it"
                + " (rabbitmqctl add_vhost NAME, then set_permissions) or correct the vhost in the"
                + " URI (%2F for the default vhost '/')"
                + System.lineSeparator());
  }
}
