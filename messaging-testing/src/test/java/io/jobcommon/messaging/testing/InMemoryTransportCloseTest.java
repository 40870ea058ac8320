package io.jobcommon.messaging.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InMemoryTransportCloseTest {

  /**
   * Each subscription's close waits for its busy handler (up to a long shutdown timeout). One after
   * the other, the second close would not begin before the first handler finished; all at once,
   * every subscription stops before any handler is let go.
   */
  @Test
  void closesEverySubscriptionAtOnce() {
    InMemoryTransport broker = InMemoryTransport.create();
    CountDownLatch busy = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    ConsumerOptions options =
        ConsumerOptions.builder()
            .setConcurrency(1)
            .setShutdownTimeout(Duration.ofSeconds(50))
            .build();
    List<Subscription> subs =
        List.of("a", "b").stream()
            .map(
                q ->
                    broker.subscribe(
                        q,
                        options,
                        d -> {
                          busy.countDown();
                          try {
                            release.await(50, TimeUnit.SECONDS);
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                          d.ack();
                        }))
            .toList();
    for (String q : List.of("a", "b")) {
      broker
          .send(OutgoingMessage.builder(q).setBody("x".getBytes(StandardCharsets.UTF_8)).build())
          .join();
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> busy.getCount() == 0);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(broker::close);
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> subs.stream().noneMatch(Subscription::isRunning));
      assertThat(closing).isNotDone(); // both handlers still hold their close
    } finally {
      release.countDown();
    }
    closing.join();
  }
}
