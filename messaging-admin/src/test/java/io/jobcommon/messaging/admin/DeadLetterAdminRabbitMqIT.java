package io.jobcommon.messaging.admin;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.util.List;
import java.util.Map;

/** The dead-letter API and tool on the RabbitMQ server on 127.0.0.1 (or RABBITMQ_URL). */
class DeadLetterAdminRabbitMqIT extends DeadLetterAdminContract {
  static final String URL =
      System.getenv().getOrDefault("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/%2F");

  @Override
  Map<String, String> environment() {
    return Map.of("MESSAGING_BROKER", "rabbitmq", "RABBITMQ_URL", URL);
  }

  @Override
  void deleteQueues(List<String> queues) throws Exception {
    ConnectionFactory cf = new ConnectionFactory();
    cf.setUri(URL);
    try (Connection c = cf.newConnection("jc-test-cleanup");
        Channel ch = c.createChannel()) {
      for (String q : queues) {
        ch.queueDelete(q);
        for (long ms : new long[] {1000, 5000, 15000, 60000, 300000, 900000, 3600000}) {
          ch.queueDelete(q + ".delay." + ms);
        }
      }
    }
  }
}
