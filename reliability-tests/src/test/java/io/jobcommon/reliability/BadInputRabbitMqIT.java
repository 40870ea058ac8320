package io.jobcommon.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.jobcommon.messaging.SendFailedException;
import io.jobcommon.messaging.rabbitmq.RabbitMqTransport;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.reliability.SuiteExtension.UncaughtExceptions;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * {@link AbstractBadInputIT} on RabbitMQ. Cases with an {@code amqp} part are published with the
 * raw amqp-client, so headers can carry what the SDK never sends: bytes, numbers, booleans,
 * timestamps, decimals, voids, nested tables and arrays, and bodies over the SDK's size limit.
 */
@ReliabilityTest
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BadInputRabbitMqIT extends AbstractBadInputIT {
  private RabbitBroker rabbit;
  private RabbitMqTransport transport;
  private Connection raw;
  private Channel publishChannel;
  private UncaughtExceptions uncaught;

  @BeforeAll
  void connect(RabbitBroker broker, UncaughtExceptions uncaught) throws Exception {
    this.rabbit = broker;
    this.uncaught = uncaught;
    this.transport = broker.transport().build();
    this.raw = broker.rawConnection();
  }

  @AfterAll
  void close() throws Exception {
    transport.close();
    raw.close();
  }

  @Override
  String broker() {
    return "rabbitmq";
  }

  @Override
  Transport rawTransport() {
    return transport;
  }

  @Override
  String newQueue() {
    return RabbitBroker.queue("bad-input");
  }

  @Override
  UncaughtExceptions uncaught() {
    return uncaught;
  }

  @Override
  CompletableFuture<String> publishNative(String queue, CorpusCase c, Map<String, String> headers) {
    try {
      if (publishChannel == null || !publishChannel.isOpen()) {
        publishChannel = raw.createChannel();
        publishChannel.confirmSelect();
      }
      JsonNode amqp = c.amqp();
      Map<String, Object> table = new LinkedHashMap<>();
      if (amqp.has("headers")) {
        amqp.get("headers").properties().forEach(e -> table.put(e.getKey(), value(e.getValue())));
      }
      headers.forEach(table::put); // the string headers of the case, x-case among them
      JsonNode p = amqp.path("properties");
      String messageId = p.has("messageId") ? p.get("messageId").asText() : null;
      AMQP.BasicProperties props =
          new AMQP.BasicProperties.Builder()
              .deliveryMode(2)
              .headers(table)
              .contentType(p.has("contentType") ? p.get("contentType").asText() : null)
              .contentEncoding(p.has("contentEncoding") ? p.get("contentEncoding").asText() : null)
              .messageId(messageId)
              .build();
      publishChannel.basicPublish("", queue, props, c.body());
      publishChannel.waitForConfirmsOrDie(30_000);
      return CompletableFuture.completedFuture(messageId == null ? "(none)" : messageId);
    } catch (Exception e) {
      return CompletableFuture.failedFuture(
          new SendFailedException(queue, "raw publish of " + c.name() + " failed: " + e, e));
    }
  }

  /** An AMQP field value from the corpus's typed notation. */
  private static Object value(JsonNode v) {
    String type = v.path("type").asText();
    switch (type) {
      case "string":
        return v.path("value").asText();
      case "bytes":
        byte[] unit = Base64.getDecoder().decode(v.path("base64").asText());
        int count = v.has("count") ? v.get("count").asInt() : 1;
        byte[] out = new byte[unit.length * count];
        for (int i = 0; i < count; i++) {
          System.arraycopy(unit, 0, out, i * unit.length, unit.length);
        }
        return out;
      case "long":
        return v.path("value").asLong();
      case "int":
        return v.path("value").asInt();
      case "double":
        return v.path("value").asDouble();
      case "bool":
        return v.path("value").asBoolean();
      case "timestamp":
        return new Date(v.path("value").asLong() * 1000);
      case "decimal":
        return new BigDecimal(v.path("value").asText());
      case "void":
        return null;
      case "table":
        Map<String, Object> t = new LinkedHashMap<>();
        v.path("value").properties().forEach(e -> t.put(e.getKey(), value(e.getValue())));
        return t;
      case "array":
        List<Object> a = new ArrayList<>();
        v.path("value").forEach(e -> a.add(value(e)));
        return a;
      case "nested": // {"kind": "table" or "array", "levels": n}: n tables or arrays, one in
        // another
        Object leaf = "leaf";
        boolean table = v.path("kind").asText().equals("table");
        for (int i = 0; i < v.path("levels").asInt(); i++) {
          leaf = table ? Map.of("l" + i, leaf) : List.of(leaf);
        }
        return leaf;
      default:
        throw new IllegalArgumentException("unknown AMQP value type " + type);
    }
  }

  @Override
  AutoCloseable consumeDeadLetters(String queue, Consumer<Map<String, String>> sink)
      throws Exception {
    Channel ch = raw.createChannel();
    ch.basicConsume(
        queue + "-dlq",
        true,
        (tag, delivery) -> {
          Map<String, String> headers = new LinkedHashMap<>();
          Map<String, Object> h = delivery.getProperties().getHeaders();
          if (h != null) {
            h.forEach((k, val) -> headers.put(k, String.valueOf(val)));
          }
          sink.accept(headers);
        },
        tag -> {});
    return ch;
  }

  @Override
  void cleanup(String queue) {
    rabbit.deleteQueue(queue);
  }
}
