package io.jobcommon.messaging.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The README example works as written. */
class RabbitMqExampleIT {
  private static final Broker BROKER = Broker.local();

  @AfterAll
  static void deleteQueues() throws Exception {
    BROKER.deleteQueues();
  }

  @Test
  void theExampleSendsAndHandlesAJob() throws Exception {
    assertThat(RabbitMqExample.run(BROKER.url(), BROKER.queue("jc-example"))).isTrue();
  }
}
