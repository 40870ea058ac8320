package io.jobcommon.messaging.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.DestinationNotFoundException;
import io.jobcommon.messaging.MessagingException;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.DeadLetters;
import io.jobcommon.messaging.spi.Delivery;
import io.jobcommon.messaging.spi.StandardHeaders;
import io.jobcommon.messaging.spi.Subscription;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Queues declared by someone else, consumed with the default configuration (adapt mode); strict and
 * none modes; start-up failures named in one line. Against the real broker.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RabbitMqTopologyIT {
  private static final Broker BROKER = Broker.local();
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final List<AutoCloseable> closing = new ArrayList<>();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger topologyLog = (Logger) LoggerFactory.getLogger(Topology.class);

  @BeforeEach
  void captureLogs() {
    logs.start();
    topologyLog.addAppender(logs);
  }

  @AfterEach
  void close() throws Exception {
    topologyLog.detachAppender(logs);
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  @AfterAll
  static void deleteQueues() throws Exception {
    BROKER.deleteQueues();
  }

  private RabbitMqTransport transport(TopologyMode mode) {
    RabbitMqTransport t = BROKER.transport().setTopologyMode(mode).build();
    closing.add(t);
    return t;
  }

  private BlockingQueue<Delivery> consume(
      RabbitMqTransport t, String queue, Consumer<Delivery> then) {
    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    Subscription s =
        t.subscribe(
            queue,
            ConsumerOptions.builder().setConcurrency(2).setPrefetch(2).build(),
            d -> {
              got.add(d);
              then.accept(d);
            });
    closing.add(s);
    return got;
  }

  private static Delivery next(BlockingQueue<Delivery> q) throws InterruptedException {
    Delivery d = q.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(d).as("a delivery within %s", WAIT).isNotNull();
    return d;
  }

  private static OutgoingMessage message(String queue, String body) {
    return OutgoingMessage.builder(queue).setBody(body.getBytes(StandardCharsets.UTF_8)).build();
  }

  private static void declare(String queue, boolean durable, Map<String, Object> args)
      throws Exception {
    try (Connection c = BROKER.rawConnection();
        Channel ch = c.createChannel()) {
      ch.queueDeclare(queue, durable, false, false, args);
    }
  }

  private static boolean exists(String queue) throws Exception {
    try (Connection c = BROKER.rawConnection();
        Channel ch = c.createChannel()) {
      ch.queueDeclarePassive(queue);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private List<String> warnings() {
    return logs.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void aNonDurableExpiringQueueIsUsedAsItIsWithOneWarning() throws Exception {
    String queue = BROKER.queue("jc-ts-style");
    declare(queue, false, Map.of("x-expires", 600_000));
    RabbitMqTransport t = transport(TopologyMode.ADAPT);
    BlockingQueue<Delivery> got =
        consume(
            t,
            queue,
            d -> {
              if (d.attempt() == 1) {
                d.retryLater(Duration.ofSeconds(1)); // through a delay tier and back
              } else {
                d.ack();
              }
            });
    t.send(message(queue, "one")).join();
    t.send(message(queue, "two")).join();
    List<Integer> attempts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      attempts.add(next(got).attempt());
    }
    assertThat(attempts).containsExactlyInAnyOrder(1, 1, 2, 2);
    assertThat(warnings())
        .singleElement()
        .asString()
        .contains("queue '" + queue + "' already exists with a different 'durable'")
        .contains("using it as it is")
        .contains("does not dead-letter")
        .contains("RABBITMQ_TOPOLOGY=strict");
  }

  @Test
  void aPlainDurableQueueIsUsedAndTheSdkStillDeadLetters() throws Exception {
    String queue = BROKER.queue("jc-plain");
    declare(queue, true, Map.of());
    RabbitMqTransport t = transport(TopologyMode.ADAPT);
    BlockingQueue<Delivery> got = consume(t, queue, d -> d.deadLetter("poison: test"));
    t.send(message(queue, "bad")).join();
    next(got);
    BlockingQueue<Delivery> dead = consume(t, DeadLetters.queueName(queue), Delivery::ack);
    Delivery d = next(dead);
    assertThat(d.headers()).containsEntry(StandardHeaders.DEAD_LETTER_REASON, "poison: test");
    assertThat(warnings()).singleElement().asString().contains("'x-dead-letter-exchange'");
  }

  @Test
  void aDeadLetterQueueIsConsumedWithoutADeadLetterQueueOfItsOwn() throws Exception {
    String queue = BROKER.queue("jc-dlq-consumer");
    String dlq = DeadLetters.queueName(queue);
    RabbitMqTransport t = transport(TopologyMode.ADAPT);
    t.send(message(queue, "x")).join(); // declares queue and dlq as the SDK does
    BlockingQueue<Delivery> got = consume(t, dlq, Delivery::ack);
    t.send(message(dlq, "dead")).join();
    assertThat(new String(next(got).body(), StandardCharsets.UTF_8)).isEqualTo("dead");
    assertThat(exists(DeadLetters.queueName(dlq))).isFalse();
    assertThat(warnings()).isEmpty();
  }

  @Test
  void strictModeRefusesAndLeavesNoDeadLetterQueueBehind() throws Exception {
    String queue = BROKER.queue("jc-strict");
    declare(queue, false, Map.of("x-expires", 600_000));
    RabbitMqTransport t = transport(TopologyMode.STRICT);
    assertThatThrownBy(() -> consume(t, queue, Delivery::ack))
        .isInstanceOf(MessagingException.class)
        .hasMessageContaining("queue '" + queue + "' already exists at amqp://guest:***@")
        .hasMessageContaining("different 'durable'")
        .hasMessageContaining("RABBITMQ_TOPOLOGY=strict refuses it")
        .message()
        .doesNotContain("\n");
    assertThat(exists(DeadLetters.queueName(queue))).isFalse();
  }

  @Test
  void withDeclarationOffAMissingQueueIsNamed() throws Exception {
    String queue = BROKER.queue("jc-none");
    RabbitMqTransport t = transport(TopologyMode.NONE);
    assertThatThrownBy(() -> consume(t, queue, Delivery::ack))
        .isInstanceOf(DestinationNotFoundException.class)
        .hasMessage(
            "queue '"
                + queue
                + "' does not exist; RABBITMQ_TOPOLOGY=none (declaration off) at "
                + AmqpUri.mask(BROKER.url())
                + "; create the queue in your infrastructure code, or let the transport declare"
                + " it (RABBITMQ_TOPOLOGY=adapt)");
    assertThat(exists(queue)).isFalse();
    assertThat(exists(DeadLetters.queueName(queue))).isFalse();
  }

  @Test
  void anUnknownVirtualHostIsNamed() {
    String url = BROKER.url().replaceAll("/[^/]*$", "/jc-no-such-vhost");
    assertThatThrownBy(() -> BROKER.transport().setUri(url).build())
        .isInstanceOf(MessagingException.class)
        .hasMessage(
            "cannot connect to RabbitMQ at "
                + AmqpUri.mask(url)
                + ": the virtual host 'jc-no-such-vhost' does not exist or the user may not use it"
                + " (broker: NOT_ALLOWED - vhost jc-no-such-vhost not found); create it"
                + " (rabbitmqctl add_vhost NAME, then set_permissions) or correct the vhost in the"
                + " URI (%2F for the default vhost '/')");
  }
}
