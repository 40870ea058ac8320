package io.jobcommon.messaging.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.LongString;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.rabbitmq.RabbitMqTransport;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.tracing.testing.TracingOnBrokerContract;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Tracing through the local RabbitMQ (or RABBITMQ_URL). */
class RabbitMqTracingIT extends TracingOnBrokerContract {
  private static final String URI =
      System.getenv().getOrDefault("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/%2F");
  private static final List<String> QUEUES = new CopyOnWriteArrayList<>();

  @Override
  protected Transport createBrokerTransport() {
    return RabbitMqTransport.builder().setUri(URI).build();
  }

  @Override
  protected String sendSpanName(String queue) {
    return "publish " + queue;
  }

  @Override
  protected String newQueue() {
    String q = super.newQueue();
    QUEUES.add(q);
    return q;
  }

  @Test
  void traceHeadersGoOnTheWireAsAmqpLongStrings() throws Exception {
    String queue = newQueue();
    try (Transport traced =
        MessagingTelemetry.create(openTelemetry())
            .wrap(RabbitMqTransport.builder().setUri(URI).build())) {
      traced
          .send(
              OutgoingMessage.builder(queue)
                  .setBody("{}".getBytes(StandardCharsets.UTF_8))
                  .setHeader("tenant", "acme")
                  .build())
          .join();
    }
    SpanData send = onlySpan("publish " + queue);
    try (Connection c = factory().newConnection();
        Channel ch = c.createChannel()) {
      GetResponse got = ch.basicGet(queue, true);
      Map<String, Object> headers = got.getProps().getHeaders();
      assertThat(headers.get("traceparent")).isInstanceOf(LongString.class);
      assertThat(headers.get("traceparent").toString())
          .isEqualTo(
              "00-"
                  + send.getTraceId()
                  + "-"
                  + send.getSpanId()
                  + "-"
                  + send.getSpanContext().getTraceFlags().asHex());
      assertThat(headers.get("tenant")).isInstanceOf(LongString.class);
    }
  }

  private static ConnectionFactory factory() throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(URI);
    return f;
  }

  @AfterAll
  static void deleteQueues() throws Exception {
    try (Connection c = factory().newConnection();
        Channel ch = c.createChannel()) {
      for (String q : QUEUES) {
        for (String name : List.of(q, q + "-dlq", q + ".delay.1000")) {
          ch.queueDelete(name);
        }
      }
    }
  }
}
