package io.jobcommon.examples;

import io.jobcommon.examples.domain.Queues;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/**
 * The end-to-end scenario on the RabbitMQ at {@code RABBITMQ_URL} (127.0.0.1:5672 by default), on
 * queues of this test only, deleted afterwards.
 */
class RabbitMqEndToEndIT extends EndToEndScenario {
  private final Queues queues = Queues.DEFAULT.withSuffix("-e2e-" + UUID.randomUUID());

  @Override
  protected Map<String, String> brokerEnvironment() {
    return Map.of("MESSAGING_BROKER", "rabbitmq", "RABBITMQ_URL", RabbitQueues.url());
  }

  @Override
  protected Queues queues() {
    return queues;
  }

  @AfterEach
  void deleteQueues() {
    RabbitQueues.delete(queues);
  }
}
