package io.jobcommon.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.jobcommon.messaging.Dispatcher;
import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.rabbitmq.RabbitMqTransportProvider;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.spi.TransportSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A broker behind a half-open connection: a TCP proxy that stops forwarding without closing
 * anything. With {@code RABBITMQ_HEARTBEAT=2s} the transport must turn unhealthy within twice the
 * heartbeat (plus scheduling slack), say so in exactly one WARN, and after the proxy resumes turn
 * healthy again with exactly one INFO, and consume again. With amqp-client's 60 s heartbeat, the
 * transport stayed healthy, silently, for two minutes.
 */
@ReliabilityTest
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HalfOpenRabbitMqIT {
  /** 2 s in the suite; {@code -Dhalfopen.heartbeat.seconds=10} measures the default. */
  private static final Duration HEARTBEAT =
      Duration.ofSeconds(Long.getLong("halfopen.heartbeat.seconds", 2));

  /** 2 × heartbeat, plus one socket-timeout tick and slack for a loaded machine. */
  private static final Duration DETECTION_BOUND = HEARTBEAT.multipliedBy(2).plusSeconds(4);

  @Test
  void aStalledBrokerIsNoticedWithinTheHeartbeatBoundAndRecoveryIsLoggedOnce(RabbitBroker rabbit)
      throws Exception {
    String queue = RabbitBroker.queue("half-open");
    try (LogCapture logs = LogCapture.start();
        TcpProxy proxy = TcpProxy.start(5672)) {
      String url = rabbit.url().replace(":5672/", ":" + proxy.port() + "/");
      Transport transport =
          new RabbitMqTransportProvider()
              .create(
                  TransportSettings.of(
                      Map.of(
                          "RABBITMQ_URL", url, "RABBITMQ_HEARTBEAT", HEARTBEAT.toSeconds() + "s")));
      OrderConsumer consumer = new OrderConsumer(queue);
      try (Dispatcher dispatcher = Dispatcher.builder(transport).build()) {
        dispatcher.start(consumer);
        MessageClient client = MessageClient.create(transport);
        send(client, queue, "before");
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> consumer.handled().containsKey("before"));
        assertThat(transport.isHealthy()).isTrue();

        proxy.blackhole();
        long blackholed = System.nanoTime();
        long detectedMs;
        try {
          await()
              .atMost(DETECTION_BOUND)
              .pollInterval(Duration.ofMillis(50))
              .until(() -> !transport.isHealthy());
          detectedMs = (System.nanoTime() - blackholed) / 1_000_000;
        } finally {
          proxy.resume(); // also when the assertion fails: closing needs the broker
        }
        long resumed = System.nanoTime();
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(50))
            .until(transport::isHealthy);
        long recoveredMs = (System.nanoTime() - resumed) / 1_000_000;
        send(client, queue, "after");
        await().atMost(Duration.ofSeconds(30)).until(() -> consumer.handled().containsKey("after"));
        long consumingMs = (System.nanoTime() - resumed) / 1_000_000;

        List<String> warns =
            logs.events(
                e ->
                    e.getLevel() == Level.WARN
                        && e.getLoggerName().startsWith("io.jobcommon")
                        && e.getFormattedMessage().contains("RabbitMQ"));
        List<String> infos =
            logs.events(
                e ->
                    e.getLevel() == Level.INFO
                        && e.getFormattedMessage().startsWith("reconnected to RabbitMQ"));
        assertThat(warns).as("WARN lines about the outage").hasSize(1);
        assertThat(warns.get(0)).contains("lost the connection").contains("unhealthy");
        assertThat(infos).as("INFO lines about the recovery").hasSize(1);
        assertThat(logs.events(e -> e.getLevel() == Level.ERROR)).as("ERROR lines").isEmpty();
        assertThat(logs.events(e -> e.getFormattedMessage().contains(rabbit.password()))).isEmpty();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("heartbeat_s", HEARTBEAT.toSeconds());
        figures.put("blackhole_to_unhealthy_ms", detectedMs);
        figures.put("resume_to_healthy_ms", recoveredMs);
        figures.put("resume_to_consuming_ms", consumingMs);
        figures.put("warn_lines", warns.size());
        figures.put("info_lines", infos.size());
        Figures.record("half-open connection rabbitmq", figures);
      } finally {
        transport.close();
      }
    } finally {
      rabbit.deleteQueue(queue);
    }
  }

  private static void send(MessageClient client, String queue, String name) {
    client.send(
        OutgoingMessage.builder(queue)
            .setPayload(new OrderMessage(name, 1, List.of("ok"), null))
            .setHeader("x-case", name)
            .build());
  }
}
