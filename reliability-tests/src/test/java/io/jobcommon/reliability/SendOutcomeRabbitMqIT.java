package io.jobcommon.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.SendFailedException;
import io.jobcommon.messaging.SendOutcomeUnknownException;
import io.jobcommon.messaging.rabbitmq.RabbitMqTransport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A failed RabbitMQ send says whether the broker may have the message. Behind a TCP proxy: a
 * publish written into a blackholed connection (no confirm ever comes; or the heartbeat kills the
 * connection before it does) may have been stored, and is: after the proxy resumes the broker has
 * it. A publish refused while the connection is down was never written: "not sent".
 */
@ReliabilityTest
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SendOutcomeRabbitMqIT {

  private static RabbitMqTransport.Builder via(RabbitBroker rabbit, TcpProxy proxy) {
    return rabbit
        .transport()
        .setUri(rabbit.url().replace(":5672/", ":" + proxy.port() + "/"))
        .setPublisherChannels(1);
  }

  private static CompletableFuture<String> send(RabbitMqTransport t, String queue, String text) {
    return t.send(
        OutgoingMessage.builder(queue).setBody(text.getBytes(StandardCharsets.UTF_8)).build());
  }

  private static Throwable failure(CompletableFuture<String> f) {
    try {
      f.join();
      throw new AssertionError("the send succeeded");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  @Test
  void aConfirmThatNeverComesIsAnUnknownOutcomeAndTheBrokerMayHaveTheMessage(RabbitBroker rabbit)
      throws Exception {
    String queue = RabbitBroker.queue("confirm-timeout");
    try (TcpProxy proxy = TcpProxy.start(5672);
        RabbitMqTransport t =
            via(rabbit, proxy)
                .setConfirmTimeout(Duration.ofSeconds(1))
                .setHeartbeat(Duration.ofSeconds(60))
                .build()) {
      send(t, queue, "warm-up").join(); // declares the queue
      proxy.blackhole();
      Throwable e;
      try {
        e = failure(send(t, queue, "in the dark").orTimeout(30, TimeUnit.SECONDS));
      } finally {
        proxy.resume(); // also when the assertion fails: closing needs the broker
      }
      assertThat(e)
          .isInstanceOf(SendOutcomeUnknownException.class)
          .isNotInstanceOf(SendFailedException.class)
          .hasMessageContaining("may have stored it");
      await().atMost(Duration.ofSeconds(20)).until(() -> rabbit.ready(queue) == 2);
    } finally {
      rabbit.deleteQueue(queue);
    }
  }

  @Test
  void aConnectionLostAfterTheWriteIsAnUnknownOutcome(RabbitBroker rabbit) throws Exception {
    String queue = RabbitBroker.queue("lost-after-write");
    try (TcpProxy proxy = TcpProxy.start(5672);
        RabbitMqTransport t =
            via(rabbit, proxy)
                .setHeartbeat(Duration.ofSeconds(1))
                .setPublishRetryWindow(Duration.ofMillis(500))
                .build()) {
      send(t, queue, "warm-up").join();
      proxy.blackhole();
      Throwable e;
      try {
        e = failure(send(t, queue, "written, then cut off").orTimeout(30, TimeUnit.SECONDS));
      } finally {
        proxy.resume();
      }
      assertThat(e)
          .isInstanceOf(SendOutcomeUnknownException.class)
          .hasMessageContaining("was written to RabbitMQ but the connection was lost");
    } finally {
      rabbit.deleteQueue(queue);
    }
  }

  @Test
  void aSendRefusedBeforeItWasWrittenIsNotSent(RabbitBroker rabbit) throws Exception {
    String queue = RabbitBroker.queue("refused");
    Map<String, Object> figures = new LinkedHashMap<>();
    try (TcpProxy proxy = TcpProxy.start(5672);
        RabbitMqTransport t =
            via(rabbit, proxy).setPublishRetryWindow(Duration.ofMillis(500)).build()) {
      send(t, queue, "warm-up").join();
      proxy.cut();
      await().atMost(Duration.ofSeconds(20)).until(() -> !t.isHealthy());
      Throwable e = failure(send(t, queue, "never written"));
      assertThat(e)
          .isInstanceOf(SendFailedException.class)
          .hasMessageContaining("the message was not sent");
      proxy.restore();
      await().atMost(Duration.ofSeconds(30)).until(t::isHealthy);
      assertThat(rabbit.ready(queue)).isEqualTo(1);
      figures.put("not_sent_is", e.getClass().getSimpleName());
      Figures.record("send outcomes rabbitmq", figures);
    } finally {
      rabbit.deleteQueue(queue);
    }
  }
}
