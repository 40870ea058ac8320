package io.jobcommon.agent;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.jobcommon.examples.domain.Queues;
import java.io.IOException;

/** The shared test RabbitMQ, and cleanup of one test's queues there (SQS is per test class). */
final class TestQueues {
  private TestQueues() {}

  static String rabbitUrl() {
    String url = System.getenv("RABBITMQ_URL");
    return url == null || url.isBlank() ? "amqp://guest:guest@127.0.0.1:5672/%2F" : url;
  }

  /**
   * Deletes the queues with {@code suffix} and their dead-letter queues; absent ones are skipped.
   */
  static void delete(String suffix) {
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(rabbitUrl());
      try (Connection connection = factory.newConnection("agent-tests-cleanup")) {
        for (String queue : Queues.DEFAULT.withSuffix(suffix).all()) {
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
      throw new IllegalStateException("cannot delete the test queues with suffix " + suffix, e);
    }
  }
}
