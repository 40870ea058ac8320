package io.jobcommon.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobcommon.messaging.spi.DeliveryHandler;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.testing.InMemoryMessage;
import io.jobcommon.messaging.testing.InMemoryTransport;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class MessageClientTest {
  record Job(String id) {}

  private final InMemoryTransport broker =
      InMemoryTransport.builder().setMaxMessageSize(64).build();
  private final MessageClient client = MessageClient.create(broker);

  @Test
  void sendEncodesAsJsonAndReturnsTheBrokersId() {
    String id = client.send("jobs", new Job("j1"));
    InMemoryMessage m = broker.sentTo("jobs").get(0);
    assertThat(m.id()).isEqualTo(id);
    assertThat(m.bodyAsString()).isEqualTo("{\"id\":\"j1\"}");
    assertThat(m.payload(Job.class)).isEqualTo(new Job("j1"));
  }

  @Test
  void sendBatchReturnsIdsInOrder() {
    List<String> ids = client.sendBatch("jobs", List.of(new Job("a"), new Job("b"), new Job("c")));
    assertThat(broker.sentTo("jobs"))
        .extracting(InMemoryMessage::id)
        .containsExactlyElementsOf(ids);
    assertThat(client.sendBatch("jobs", List.of())).isEmpty();
  }

  @Test
  void batchFailuresAccountForEveryEntry() {
    List<Object> payloads = List.of(new Job("ok"), new Job("x".repeat(100)), new Job("ok2"));
    assertThatThrownBy(() -> client.sendBatch("jobs", payloads))
        .isInstanceOfSatisfying(
            BatchSendException.class,
            e -> {
              assertThat(e.size()).isEqualTo(3);
              assertThat(e.sentIds()).containsOnlyKeys(0, 2);
              assertThat(e.failures()).containsOnlyKeys(1);
              assertThat(e.failure(1)).containsInstanceOf(MessageTooLargeException.class);
              assertThat(e.getMessage()).contains("1 of 3 messages to queue 'jobs' were not sent");
            });
  }

  @Test
  void blockingSendsThrowTheMessagingExceptionItself() {
    assertThatThrownBy(() -> client.send("jobs", new Job("x".repeat(100))))
        .isInstanceOf(MessageTooLargeException.class)
        .hasMessageContaining("queue 'jobs'")
        .hasMessageContaining("send a reference");
    broker.close();
    assertThatThrownBy(() -> client.send("jobs", new Job("late")))
        .isInstanceOf(ClientClosedException.class)
        .hasMessageContaining("transport is closed");
  }

  @Test
  void asyncSendsCompleteExceptionallyInsteadOfThrowing() {
    Object unencodable =
        new Object() {
          @SuppressWarnings({"unused", "EffectivelyPrivate"}) // public: Jackson serialises it
          public Object getSelf() {
            return this;
          }
        };
    assertThatThrownBy(() -> client.sendAsync("jobs", unencodable).join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(PayloadEncodingException.class);
    assertThat(broker.sentTo("jobs")).isEmpty();
  }

  @Test
  void blockingSendsLeaveASharedFailureAloneAndNameTheCallersQueue() {
    SendFailedException shared = new SendFailedException("jobs", "broker said no", null);
    MessageClient refused = MessageClient.create(new FailingTransport(shared));
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> refused.send("jobs", new Job("a"))).isSameAs(shared);
    }
    assertThat(shared.getSuppressed()).isEmpty();

    MessageClient broken =
        MessageClient.create(new FailingTransport(new IllegalStateException("transport bug")));
    assertThatThrownBy(() -> broken.send("orders", new Job("a")))
        .isInstanceOfSatisfying(
            SendFailedException.class, e -> assertThat(e.queue()).isEqualTo("orders"))
        .hasMessageContaining("queue 'orders'")
        .hasRootCauseMessage("transport bug");
    assertThatThrownBy(
            () ->
                broken.sendBatch(
                    List.of(
                        OutgoingMessage.of("orders", new Job("a")),
                        OutgoingMessage.of("audit", new Job("a")),
                        OutgoingMessage.of("orders", new Job("b")))))
        .isInstanceOfSatisfying(
            SendFailedException.class, e -> assertThat(e.queue()).isEqualTo("orders,audit"));
  }

  /** Fails every send with one and the same exception instance. */
  private static final class FailingTransport implements Transport {
    private final RuntimeException failure;

    FailingTransport(RuntimeException failure) {
      this.failure = failure;
    }

    @Override
    public String system() {
      return "failing";
    }

    @Override
    public CompletableFuture<String> send(OutgoingMessage message) {
      return CompletableFuture.failedFuture(failure);
    }

    @Override
    public CompletableFuture<List<String>> sendBatch(List<OutgoingMessage> messages) {
      return CompletableFuture.failedFuture(failure);
    }

    @Override
    public Subscription subscribe(String queue, ConsumerOptions options, DeliveryHandler handler) {
      throw new UnsupportedOperationException("send-only test transport");
    }

    @Override
    public void close() {}
  }
}
