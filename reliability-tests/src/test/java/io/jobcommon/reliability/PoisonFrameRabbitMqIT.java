package io.jobcommon.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.jobcommon.messaging.Dispatcher;
import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.rabbitmq.RabbitMqTransport;
import io.jobcommon.messaging.spi.StandardHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A message whose header table amqp-client cannot read (nested deeper than 32 levels) used to kill
 * the worker's consume connection on every redelivery, for good, and with it every other queue of
 * the worker. Now it is dead-lettered at once with its body and a readable reason, without a single
 * reconnection, while a second, unrelated queue of the same worker keeps flowing.
 */
@ReliabilityTest
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PoisonFrameRabbitMqIT {
  private static final String BODY = "{\"orderId\":\"poison\",\"quantity\":1,\"items\":[\"a\"]}";

  @Test
  void aMessageWithUnreadableHeadersIsDeadLetteredAndOtherQueuesKeepFlowing(RabbitBroker rabbit)
      throws Exception {
    String poisoned = RabbitBroker.queue("poisoned");
    String unrelated = RabbitBroker.queue("unrelated");
    try (LogCapture logs = LogCapture.start();
        RabbitMqTransport transport = rabbit.transport().build();
        Connection raw = rabbit.rawConnection()) {
      Dispatcher dispatcher = Dispatcher.builder(transport).build();
      OrderConsumer a = new OrderConsumer(poisoned);
      OrderConsumer b = new OrderConsumer(unrelated);
      dispatcher.start(a);
      dispatcher.start(b);
      long start = System.nanoTime();
      Channel ch = raw.createChannel();
      ch.confirmSelect();
      publishNested(ch, poisoned, "tables-33", 33, true);
      publishNested(ch, poisoned, "arrays-100", 100, false);
      MessageClient client = MessageClient.create(transport);
      List<String> goods = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        for (String q : List.of(poisoned, unrelated)) {
          String name = q + "-good-" + i;
          client.send(
              OutgoingMessage.builder(q)
                  .setPayload(new OrderMessage(name, 1, List.of("ok"), null))
                  .setHeader("x-case", name)
                  .build());
          goods.add(name);
        }
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                List<String> handled = new ArrayList<>(a.handled().keySet());
                handled.addAll(b.handled().keySet());
                assertThat(handled).containsAll(goods);
              });
      Map<String, GetResponse> dead = new LinkedHashMap<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                GetResponse r = ch.basicGet(poisoned + "-dlq", true);
                if (r != null) {
                  dead.put(String.valueOf(r.getProps().getHeaders().get("x-case")), r);
                }
                assertThat(dead).containsOnlyKeys("tables-33", "arrays-100");
              });
      long millis = (System.nanoTime() - start) / 1_000_000;
      for (GetResponse r : dead.values()) {
        assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).isEqualTo(BODY);
        assertThat(
                String.valueOf(r.getProps().getHeaders().get(StandardHeaders.DEAD_LETTER_REASON)))
            .isEqualTo(
                "headers-unreadable: header 'deep' nests tables/arrays deeper than 32 levels");
        assertThat(r.getProps().getHeaders()).containsKey("jc-unreadable-headers-raw");
      }
      List<String> reconnects =
          logs.events(e -> e.getFormattedMessage().startsWith("lost the connection"));
      assertThat(reconnects).as("consumers that had to reconnect").isEmpty();
      assertThat(logs.escapedToBrokerThreads()).as("amqp-client warnings and errors").isEmpty();
      assertThat(transport.isHealthy()).isTrue();
      assertThat(dispatcher.isRunning()).isTrue();
      assertThat(a.handled()).doesNotContainKeys("tables-33", "arrays-100");
      dispatcher.close();
      Figures.record(
          "poison frames rabbitmq",
          Map.of(
              "poison_messages", 2,
              "dead_lettered", dead.size(),
              "good_messages_handled", goods.size(),
              "reconnects", reconnects.size(),
              "all_settled_ms", millis));
    } finally {
      rabbit.deleteQueue(poisoned);
      rabbit.deleteQueue(unrelated);
    }
  }

  private static void publishNested(
      Channel ch, String queue, String name, int levels, boolean table) throws Exception {
    Object deep = "leaf";
    for (int i = 0; i < levels; i++) {
      deep = table ? Map.of("l" + i, deep) : List.of(deep);
    }
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("x-case", name);
    headers.put("deep", deep);
    ch.basicPublish(
        "",
        queue,
        new AMQP.BasicProperties.Builder().deliveryMode(2).headers(headers).build(),
        BODY.getBytes(StandardCharsets.UTF_8));
    ch.waitForConfirmsOrDie(10_000);
  }
}
