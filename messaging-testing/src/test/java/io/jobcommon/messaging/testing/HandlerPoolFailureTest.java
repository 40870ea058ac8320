package io.jobcommon.messaging.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A raw handler (no Dispatcher) that overflows its stack: the message goes back to the queue, the
 * pool's only thread survives, and the next messages are handled on it.
 */
class HandlerPoolFailureTest {

  @SuppressWarnings("InfiniteRecursion") // on purpose: the test needs a StackOverflowError
  private static int recurse(int n) {
    return recurse(n + 1) + 1;
  }

  @Test
  void aStackOverflowReleasesTheMessageAndThePoolThreadCarriesOn() {
    try (InMemoryTransport broker = InMemoryTransport.create()) {
      AtomicBoolean overflowed = new AtomicBoolean();
      List<String> handled = new CopyOnWriteArrayList<>();
      Set<String> threads = ConcurrentHashMap.newKeySet();
      Subscription s =
          broker.subscribe(
              "q",
              ConsumerOptions.builder().setConcurrency(1).build(),
              d -> {
                threads.add(Thread.currentThread().getName());
                if (overflowed.compareAndSet(false, true)) {
                  recurse(0);
                }
                handled.add(new String(d.body(), StandardCharsets.UTF_8));
                d.ack();
              });
      for (String body : List.of("first", "second", "third")) {
        broker
            .send(
                OutgoingMessage.builder("q").setBody(body.getBytes(StandardCharsets.UTF_8)).build())
            .join();
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> assertThat(handled).containsExactlyInAnyOrder("first", "second", "third"));
      assertThat(overflowed).isTrue();
      assertThat(threads).as("the one handler thread survived").hasSize(1);
      s.close();
    }
  }
}
