package io.jobcommon.messaging.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ForwardingTransportTest {

  /** Records each call; answers with values a forwarding bug could not invent. */
  private static final class Recording implements Transport {
    final List<String> calls = new ArrayList<>();
    final Subscription subscription =
        new Subscription() {
          @Override
          public String queue() {
            return "q";
          }

          @Override
          public boolean isRunning() {
            return true;
          }

          @Override
          public void close() {}
        };

    @Override
    public String system() {
      calls.add("system");
      return "recording";
    }

    @Override
    public CompletableFuture<String> send(OutgoingMessage message) {
      calls.add("send " + message.queue());
      return CompletableFuture.completedFuture("id-1");
    }

    @Override
    public CompletableFuture<List<String>> sendBatch(List<OutgoingMessage> messages) {
      calls.add("sendBatch " + messages.size());
      return CompletableFuture.completedFuture(List.of("id-2"));
    }

    @Override
    public Subscription subscribe(String queue, ConsumerOptions options, DeliveryHandler handler) {
      calls.add("subscribe " + queue);
      return subscription;
    }

    @Override
    public boolean isHealthy() {
      calls.add("isHealthy");
      return false;
    }

    @Override
    public Optional<QueueAdmin> queueAdmin() {
      calls.add("queueAdmin");
      return Optional.empty();
    }

    @Override
    public void close() {
      calls.add("close");
    }

    @Override
    public String toString() {
      return "Recording";
    }
  }

  @Test
  void passesEveryCallThroughButQueueAdmin() {
    Recording inner = new Recording();
    Transport t = new ForwardingTransport(inner) {};
    OutgoingMessage m =
        OutgoingMessage.builder("q").setBody("x".getBytes(StandardCharsets.UTF_8)).build();

    assertThat(t.system()).isEqualTo("recording");
    assertThat(t.send(m).join()).isEqualTo("id-1");
    assertThat(t.sendBatch(List.of(m)).join()).containsExactly("id-2");
    assertThat(t.subscribe("q", ConsumerOptions.defaults(), d -> {})).isSameAs(inner.subscription);
    assertThat(t.isHealthy()).isFalse();
    assertThat(t.queueAdmin()).isEmpty();
    assertThat(t).hasToString("Recording");
    t.close();

    assertThat(inner.calls)
        .containsExactly("system", "send q", "sendBatch 1", "subscribe q", "isHealthy", "close");
  }
}
