package io.jobcommon.examples.spring;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.util.List;
import java.util.Map;

/** The example service on the RabbitMQ at 127.0.0.1:5672 (unique queues, deleted afterwards). */
class RabbitMqSpringExampleIT extends SpringExampleScenario {

  @Override
  int brokerPort() {
    return 5672;
  }

  @Override
  Map<String, Object> brokerProperties(int port) {
    return Map.of(
        "jobcommon.broker", "rabbitmq",
        "jobcommon.rabbitmq.url", "amqp://guest:guest@127.0.0.1:" + port + "/%2F",
        "jobcommon.rabbitmq.delay-tiers", "1s");
  }

  @Override
  String sendVerb() {
    return "publish";
  }

  @Override
  int depth(String queue) throws Exception {
    try (Connection c = connection();
        Channel ch = c.createChannel()) {
      return ch.queueDeclarePassive(queue).getMessageCount();
    }
  }

  @Override
  void deleteQueues(List<String> queues) throws Exception {
    try (Connection c = connection()) {
      for (String q : queues) {
        for (String name : List.of(q, q + "-dlq", q + ".delay.1000")) {
          try (Channel ch = c.createChannel()) {
            ch.queueDelete(name);
          }
        }
      }
    }
  }

  private static Connection connection() throws Exception {
    ConnectionFactory cf = new ConnectionFactory();
    cf.setUri("amqp://guest:guest@127.0.0.1:5672/%2F");
    return cf.newConnection("spring-example-it");
  }
}
