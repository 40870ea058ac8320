package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.jobcommon.messaging.spi.DeadLetters;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The RabbitMQ the integration tests run against ({@code RABBITMQ_URL}, or guest on 127.0.0.1),
 * unique queue names, and deleting those queues (with their DLQs and delay tiers) afterwards.
 */
final class Broker {
  /** Short tiers so delay tests stay quick. */
  static final List<Duration> TEST_TIERS =
      List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));

  private final String url;
  private final Set<String> queues = ConcurrentHashMap.newKeySet();

  Broker(String url) {
    this.url = url;
  }

  static Broker local() {
    String env = System.getenv("RABBITMQ_URL");
    return new Broker(
        env == null || env.isBlank() ? "amqp://guest:guest@127.0.0.1:5672/%2F" : env.trim());
  }

  String url() {
    return url;
  }

  RabbitMqTransport.Builder transport() {
    return RabbitMqTransport.builder()
        .setUri(url)
        .setDelayTiers(TEST_TIERS)
        .setRecoveryInterval(Duration.ofMillis(500))
        .setConnectionName("jc-test");
  }

  /** A new queue name, deleted by {@link #deleteQueues()}. */
  String queue(String prefix) {
    return track(prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
  }

  String track(String queue) {
    queues.add(queue);
    return queue;
  }

  Connection rawConnection() throws Exception {
    ConnectionFactory cf = new ConnectionFactory();
    cf.setUri(url);
    cf.setAutomaticRecoveryEnabled(false);
    return cf.newConnection("jc-test-raw");
  }

  /** Deletes every tracked queue, its DLQ and its test and default delay tiers. */
  void deleteQueues() throws Exception {
    try (Connection c = rawConnection();
        Channel ch = c.createChannel()) {
      for (String q : queues) {
        ch.queueDelete(q);
        ch.queueDelete(DeadLetters.queueName(q));
        for (Duration d : TEST_TIERS) {
          ch.queueDelete(DelayTiers.queueName(q, d.toMillis()));
        }
        for (Duration d : DelayTiers.DEFAULTS) {
          ch.queueDelete(DelayTiers.queueName(q, d.toMillis()));
        }
      }
    }
    queues.clear();
  }
}
