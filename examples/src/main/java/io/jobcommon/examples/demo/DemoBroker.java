package io.jobcommon.examples.demo;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.jobcommon.examples.domain.Queues;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker the demo runs on, as the environment every role is configured with: an embedded SQS
 * (ElasticMQ) by default, or the RabbitMQ at {@code RABBITMQ_URL} ({@code
 * amqp://guest:guest@127.0.0.1:5672} when unset). On RabbitMQ the queues get a per-run suffix and
 * are deleted afterwards, so runs on a shared broker never see each other's messages. Not
 * thread-safe.
 */
final class DemoBroker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DemoBroker.class);
  static final String DEFAULT_RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/%2F";
  // The delay tiers messaging-rabbitmq declares by default (only when a retry needs one).
  private static final List<Long> DELAY_TIERS_MS =
      List.of(1_000L, 5_000L, 15_000L, 60_000L, 300_000L, 900_000L, 3_600_000L);

  private final String name;
  private final Map<String, String> environment;
  private final Queues queues;
  private final @Nullable EmbeddedSqs sqs;
  private final @Nullable String rabbitUrl;

  private DemoBroker(
      String name,
      Map<String, String> environment,
      Queues queues,
      @Nullable EmbeddedSqs sqs,
      @Nullable String rabbitUrl) {
    this.name = name;
    this.environment = Map.copyOf(environment);
    this.queues = queues;
    this.sqs = sqs;
    this.rabbitUrl = rabbitUrl;
  }

  /** Starts ElasticMQ in this JVM and points the SQS transport at it. */
  static DemoBroker embeddedSqs() {
    EmbeddedSqs sqs = EmbeddedSqs.start();
    Map<String, String> env = new HashMap<>();
    env.put("MESSAGING_BROKER", "sqs");
    env.put("SQS_ENDPOINT", sqs.endpoint().toString());
    env.put("AWS_REGION", "us-east-1");
    env.put("SQS_AUTO_CREATE_QUEUES", "true");
    // ElasticMQ checks no signature; these keep the SDK from looking for real credentials.
    env.put("AWS_ACCESS_KEY_ID", "demo");
    env.put("AWS_SECRET_ACCESS_KEY", "demo");
    return new DemoBroker(
        "embedded SQS (ElasticMQ) at " + sqs.endpoint(), env, Queues.DEFAULT, sqs, null);
  }

  /** The RabbitMQ at {@code url} (or the local default), with queues of this run only. */
  static DemoBroker rabbitMq(@Nullable String url) {
    String uri = url == null || url.isBlank() ? DEFAULT_RABBITMQ_URL : url;
    String suffix = "-" + UUID.randomUUID().toString().substring(0, 6);
    return new DemoBroker(
        "RabbitMQ at " + masked(uri),
        Map.of("MESSAGING_BROKER", "rabbitmq", "RABBITMQ_URL", uri),
        Queues.DEFAULT.withSuffix(suffix),
        null,
        uri);
  }

  String name() {
    return name;
  }

  /** The variables a role needs to reach this broker, as a deployment would set them. */
  Map<String, String> environment() {
    return environment;
  }

  Queues queues() {
    return queues;
  }

  @Override
  public void close() {
    if (sqs != null) {
      sqs.close();
    }
    if (rabbitUrl != null) {
      deleteRabbitQueues(rabbitUrl);
    }
  }

  private void deleteRabbitQueues(String uri) {
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(uri);
      try (Connection connection = factory.newConnection("job-common-demo-cleanup")) {
        for (String queue : queues.all()) {
          delete(connection, queue);
          delete(connection, queue + "-dlq");
          for (long ms : DELAY_TIERS_MS) {
            delete(connection, queue + ".delay." + ms);
          }
        }
      }
    } catch (Exception e) {
      log.warn("could not delete the demo's queues {}: {}", queues.all(), e.toString());
    }
  }

  private static void delete(Connection connection, String queue) throws Exception {
    // A missing queue closes the channel (404), so each check gets its own.
    try (Channel channel = connection.createChannel()) {
      channel.queueDeclarePassive(queue);
      channel.queueDelete(queue);
    } catch (java.io.IOException | com.rabbitmq.client.AlreadyClosedException e) {
      // not there: nothing to delete
    }
  }

  static String masked(String uri) {
    return uri.replaceAll("://([^:/@]*):[^@/]*@", "://$1:***@");
  }
}
