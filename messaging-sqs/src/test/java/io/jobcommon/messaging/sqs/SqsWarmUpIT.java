package io.jobcommon.messaging.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.SendFailedException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.ListQueuesRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/** What building a transport does before its first message, and that it never stops a start. */
@SuppressWarnings("try") // some transports are only built and closed
class SqsWarmUpIT {
  @RegisterExtension static final ElasticMq sqs = new ElasticMq();

  private static final CallCounter calls = new CallCounter();
  private static SqsAsyncClient client;
  private static SqsAsyncClient raw;

  @BeforeAll
  static void clients() {
    client = sqs.client(calls);
    raw = sqs.client();
  }

  @AfterAll
  static void closeClients() {
    client.close();
    raw.close();
  }

  @BeforeEach
  void reset() {
    calls.reset();
  }

  private static String newQueue() {
    return "warm-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static OutgoingMessage text(String queue) {
    return OutgoingMessage.builder(queue).setBody("x".getBytes(StandardCharsets.UTF_8)).build();
  }

  @Test
  void theNamedQueuesAreResolvedBeforeTheFirstSendWhichIsThenOneCall() {
    String queue = newQueue();
    raw.createQueue(b -> b.queueName(queue)).join();
    try (SqsTransport t =
        SqsTransport.builder().setClient(client).setWarmUpQueues(List.of(queue)).build()) {
      assertThat(calls.count(GetQueueUrlRequest.class)).isEqualTo(1);
      assertThat(calls.count(GetQueueAttributesRequest.class)).isEqualTo(1);
      calls.reset();

      t.send(text(queue)).join();

      assertThat(calls.count(SendMessageRequest.class)).isEqualTo(1);
      assertThat(calls.total()).isEqualTo(1);
    }
  }

  @Test
  void withoutQueuesOneCheapCallWarmsTheClientUp() {
    try (SqsTransport t = SqsTransport.builder().setClient(client).build()) {
      assertThat(calls.count(ListQueuesRequest.class)).isEqualTo(1);
      assertThat(calls.total()).isEqualTo(1);
    }
  }

  @Test
  void aZeroTimeoutSkipsTheWarmUp() {
    try (SqsTransport t =
        SqsTransport.builder()
            .setClient(client)
            .setWarmUpQueues(List.of(newQueue()))
            .setWarmUpTimeout(Duration.ZERO)
            .build()) {
      assertThat(calls.total()).isZero();
    }
  }

  @Test
  void aQueueMissingAtWarmUpDoesNotStopTheStartAndIsUsableOnceCreated() {
    String queue = newQueue();
    try (SqsTransport t =
        SqsTransport.builder().setClient(client).setWarmUpQueues(List.of(queue)).build()) {
      raw.createQueue(b -> b.queueName(queue)).join();
      assertThat(t.send(text(queue)).join()).isNotBlank();
    }
  }

  @Test
  void anUnreachableEndpointDoesNotStopTheStartAndTheSendFailsClearly() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (SqsTransport t =
        SqsTransport.builder()
            .setEndpointOverride(URI.create("http://127.0.0.1:" + closedPort))
            .setCredentialsProvider(ElasticMq.CREDENTIALS)
            .setWarmUpQueues(List.of("orders"))
            .setWarmUpTimeout(Duration.ofSeconds(2))
            .build()) {
      assertThatThrownBy(() -> t.send(text("orders")).join())
          .cause()
          .isInstanceOf(SendFailedException.class)
          .hasMessageContaining("queue 'orders'");
    }
  }
}
