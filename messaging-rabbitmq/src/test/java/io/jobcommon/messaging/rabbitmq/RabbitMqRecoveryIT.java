package io.jobcommon.messaging.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.Subscription;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The broker closes every connection three times ({@code rabbitmqctl close_all_connections}) while
 * messages are published and consumed continuously: every confirmed message is consumed at least
 * once and the consumer resumes by itself. The only test that closes connections, since it closes
 * those of every other client of the broker too.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RabbitMqRecoveryIT {
  private static final Broker BROKER = Broker.local();

  @AfterAll
  static void deleteQueues() throws Exception {
    BROKER.deleteQueues();
  }

  @Test
  void everyConfirmedMessageIsConsumedAcrossThreeBrokerSideDisconnects() throws Exception {
    assumeTrue(rabbitmqctlAvailable(), "rabbitmqctl is not on the PATH of this machine");
    String queue = BROKER.queue("jc-recovery");
    Set<String> confirmed = ConcurrentHashMap.newKeySet();
    Set<String> consumed = ConcurrentHashMap.newKeySet();
    List<Throwable> failures = new ArrayList<>();
    AtomicInteger deliveries = new AtomicInteger();
    AtomicBoolean publishing = new AtomicBoolean(true);

    try (RabbitMqTransport transport =
        BROKER.transport().setPublishRetryWindow(Duration.ofSeconds(60)).build()) {
      Subscription sub =
          transport.subscribe(
              queue,
              ConsumerOptions.builder().setConcurrency(4).setPrefetch(16).build(),
              d -> {
                consumed.add(d.messageId());
                deliveries.incrementAndGet();
                d.ack();
              });
      Semaphore inFlight = new Semaphore(32);
      CompletableFuture<Void> publisher =
          CompletableFuture.runAsync(
              () -> {
                int n = 0;
                while (publishing.get()) {
                  inFlight.acquireUninterruptibly();
                  transport
                      .send(
                          OutgoingMessage.builder(queue)
                              .setBody(("{\"n\":" + n++ + "}").getBytes(StandardCharsets.UTF_8))
                              .build())
                      .whenComplete(
                          (id, error) -> {
                            if (error == null) {
                              confirmed.add(id);
                            } else {
                              synchronized (failures) {
                                failures.add(error);
                              }
                            }
                            inFlight.release();
                          });
                }
              });

      for (int round = 1; round <= 3; round++) {
        int before = consumed.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> consumed.size() >= before + 200);
        closeAllConnections(round);
        // Wait until the broker has really dropped us, then until the consumer is back by itself.
        await().atMost(Duration.ofSeconds(30)).until(() -> !transport.isHealthy());
        await().atMost(Duration.ofSeconds(30)).until(transport::isHealthy);
        int after = consumed.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> consumed.size() >= after + 200);
        assertThat(sub.isRunning()).isTrue();
      }

      publishing.set(false);
      publisher.get(30, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(60)).until(() -> inFlight.availablePermits() == 32);
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(consumed).containsAll(confirmed));
      assertThat(confirmed).hasSizeGreaterThan(1200);
      LoggerFactory.getLogger(RabbitMqRecoveryIT.class)
          .info(
              "{} messages confirmed, {} consumed, {} deliveries ({} redelivered)",
              confirmed.size(),
              consumed.size(),
              deliveries.get(),
              deliveries.get() - consumed.size());
      synchronized (failures) {
        assertThat(failures).as("sends that failed although the broker came back").isEmpty();
      }
      sub.close();
    }
  }

  private static void closeAllConnections(int round) throws Exception {
    Process p =
        new ProcessBuilder("rabbitmqctl", "close_all_connections", "test: recovery round " + round)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("rabbitmqctl close_all_connections: %s", out).isZero();
  }

  private static boolean rabbitmqctlAvailable() {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (new File(dir, "rabbitmqctl").canExecute()) {
        return true;
      }
    }
    return false;
  }
}
