package io.jobcommon.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobcommon.messaging.testing.InMemoryMessage;
import io.jobcommon.messaging.testing.InMemoryTransport;
import java.util.List;
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
}
