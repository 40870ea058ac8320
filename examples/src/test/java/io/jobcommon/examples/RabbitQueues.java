package io.jobcommon.examples;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.jobcommon.examples.domain.Queues;
import java.io.IOException;

/** The test RabbitMQ's URL, and cleanup of a test's queues. */
final class RabbitQueues {
  private RabbitQueues() {}

  static String url() {
    String url = System.getenv("RABBITMQ_URL");
    return url == null || url.isBlank() ? "amqp://guest:guest@127.0.0.1:5672/%2F" : url;
  }

  /** Deletes each queue and its dead-letter queue; missing ones are skipped. */
  static void delete(Queues queues) {
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(url());
      try (Connection connection = factory.newConnection("examples-test-cleanup")) {
        for (String queue : queues.all()) {
          for (String name : new String[] {queue, queue + "-dlq"}) {
            try (Channel channel = connection.createChannel()) {
              channel.queueDelete(name);
            } catch (IOException e) {
              // absent
            }
          }
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot delete the test queues " + queues.all(), e);
    }
  }
}
