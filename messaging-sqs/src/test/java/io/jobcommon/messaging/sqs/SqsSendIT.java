package io.jobcommon.messaging.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobcommon.messaging.BatchSendException;
import io.jobcommon.messaging.DestinationNotFoundException;
import io.jobcommon.messaging.MessageTooLargeException;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.SendFailedException;
import io.jobcommon.messaging.spi.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/** What SqsTransport does on the send side, checked on the wire of an embedded ElasticMQ. */
class SqsSendIT {
  @RegisterExtension static final ElasticMq sqs = new ElasticMq();

  // One client pair per class: an SDK client takes a while to close.
  private static final CallCounter calls = new CallCounter();
  private static SqsAsyncClient client;
  private static SqsAsyncClient raw;
  private SqsTransport transport;

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
  void start() {
    transport = SqsTransport.builder().setClient(client).setAutoCreateQueues(true).build();
    calls.reset(); // after the warm-up's call
  }

  @AfterEach
  void stop() {
    transport.close();
  }

  private static String newQueue() {
    return "send-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static OutgoingMessage text(String queue, String body) {
    return OutgoingMessage.builder(queue).setBody(body.getBytes(StandardCharsets.UTF_8)).build();
  }

  private List<Message> receiveAll(String queue, int expected) {
    String url = raw.getQueueUrl(b -> b.queueName(queue)).join().queueUrl();
    List<Message> out = new ArrayList<>();
    for (int i = 0; i < 20 && out.size() < expected; i++) {
      out.addAll(
          raw.receiveMessage(
                  b ->
                      b.queueUrl(url)
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(1)
                          .messageAttributeNames("All")
                          .messageSystemAttributeNamesWithStrings("All"))
              .join()
              .messages());
    }
    return out;
  }

  @Test
  void twentyFiveMessagesInABatchMakeThreeCalls() {
    String queue = newQueue();
    List<OutgoingMessage> batch = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      batch.add(text(queue, "m" + i));
    }
    List<String> ids = transport.sendBatch(batch).join();

    assertThat(ids).hasSize(25).doesNotHaveDuplicates();
    assertThat(calls.count(SendMessageBatchRequest.class)).isEqualTo(3);
    assertThat(calls.count(SendMessageRequest.class)).isZero();
    assertThat(receiveAll(queue, 25)).hasSize(25);
  }

  @Test
  void batchesAreAlsoSplitByTheOneMebibyteLimit() {
    String queue = newQueue();
    String big = "x".repeat(400 * 1024);
    List<String> ids =
        transport.sendBatch(List.of(text(queue, big), text(queue, big), text(queue, big))).join();
    assertThat(ids).hasSize(3);
    // 400 + 400 KiB fit one call, the third does not.
    assertThat(calls.count(SendMessageBatchRequest.class)).isEqualTo(2);
  }

  @Test
  void aPartialBatchFailureIsReportedPerEntry() {
    // SQS refuses one entry of the call (a delay over 900 s slipped in on the wire), the rest pass.
    SqsAsyncClient breaking = sqs.client(new RefuseEntry("2"));
    try (SqsTransport t =
        SqsTransport.builder().setClient(breaking).setAutoCreateQueues(true).build()) {
      String queue = newQueue();
      List<OutgoingMessage> batch = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        batch.add(text(queue, "m" + i));
      }
      assertThatThrownBy(() -> t.sendBatch(batch).join())
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOfSatisfying(
              BatchSendException.class,
              e -> {
                assertThat(e.size()).isEqualTo(5);
                assertThat(e.failures().keySet()).containsExactly(2);
                assertThat(e.failures().get(2))
                    .isInstanceOf(SendFailedException.class)
                    .hasMessageContaining(queue)
                    .hasMessageContaining("DelaySeconds");
                assertThat(e.sentIds().keySet()).containsExactly(0, 1, 3, 4);
                assertThat(e.getMessage()).contains("1 of 5 messages to queue '" + queue + "'");
              });
      List<String> bodies = new ArrayList<>();
      receiveAll(queue, 4).forEach(m -> bodies.add(m.body()));
      assertThat(bodies).containsExactlyInAnyOrder("m0", "m1", "m3", "m4");
    } finally {
      breaking.close();
    }
  }

  @Test
  void elevenAttributesFailClearlyBeforeAnyCall() {
    String queue = newQueue();
    OutgoingMessage.Builder b = OutgoingMessage.builder(queue).setBody(new byte[] {'x'});
    for (int i = 0; i < 11; i++) {
      b.setHeader("h" + i, "v");
    }
    assertThatThrownBy(() -> transport.send(b.build()).join())
        .cause()
        .isInstanceOf(SendFailedException.class)
        .hasMessageContaining("queue '" + queue + "'")
        .hasMessageContaining("needs 11 message attributes but SQS allows 10")
        .hasMessageContaining("remove headers");
    assertThat(calls.total()).isZero();
  }

  @Test
  void anOversizedBodyFailsClearlyBeforeAnyCall() {
    String queue = newQueue();
    OutgoingMessage m = text(queue, "x".repeat(1024 * 1024 + 1));
    assertThatThrownBy(() -> transport.send(m).join())
        .cause()
        .isInstanceOfSatisfying(
            MessageTooLargeException.class,
            e -> {
              assertThat(e.size()).isEqualTo(1024 * 1024 + 1);
              assertThat(e.limit()).isEqualTo(1024 * 1024);
            })
        .hasMessageContaining("queue '" + queue + "'")
        .hasMessageContaining("send a reference");
    assertThat(calls.total()).isZero();
  }

  @Test
  void aDelayOverFifteenMinutesFailsClearly() {
    String queue = newQueue();
    OutgoingMessage m =
        OutgoingMessage.builder(queue)
            .setBody(new byte[] {'x'})
            .setDelay(Duration.ofMinutes(15).plusSeconds(1))
            .build();
    assertThatThrownBy(() -> transport.send(m).join())
        .cause()
        .isInstanceOf(SendFailedException.class)
        .hasMessageContaining("over the SQS maximum of 15 minutes");
    assertThat(calls.total()).isZero();
  }

  @Test
  void aFifoQueueNeedsAGroupId() {
    String queue = newQueue() + ".fifo";
    assertThatThrownBy(() -> transport.send(text(queue, "x")).join())
        .cause()
        .isInstanceOf(SendFailedException.class)
        .hasMessageContaining("'" + queue + "' is a FIFO queue and needs a message group id");
    assertThat(calls.count(SendMessageRequest.class)).isZero();

    String id =
        transport
            .send(OutgoingMessage.builder(queue).setBody(new byte[] {'x'}).setGroupId("g").build())
            .join();
    assertThat(id).isNotBlank();
  }

  @Test
  void aMissingQueueFailsWithItsNameUnlessAutoCreateIsOn() {
    String queue = newQueue();
    try (SqsTransport strict = SqsTransport.builder().setClient(client).build()) {
      assertThatThrownBy(() -> strict.send(text(queue, "x")).join())
          .cause()
          .isInstanceOf(DestinationNotFoundException.class)
          .hasMessageContaining("queue '" + queue + "' does not exist")
          .hasMessageContaining("SQS_AUTO_CREATE_QUEUES");
    }
  }

  @Test
  void autoCreateMakesTheQueueItsDeadLetterQueueAndARedrivePolicy() {
    String queue = newQueue();
    try (SqsTransport t =
        SqsTransport.builder()
            .setClient(client)
            .setAutoCreateQueues(true)
            .setDeadLetterMaxReceiveCount(7)
            .build()) {
      t.send(text(queue, "x")).join();
    }
    String url = raw.getQueueUrl(b -> b.queueName(queue)).join().queueUrl();
    String dlqUrl =
        raw.getQueueUrl(b -> b.queueName(DeadLetters.queueName(queue))).join().queueUrl();
    String dlqArn =
        raw.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
            .join()
            .attributesAsStrings()
            .get("QueueArn");
    String redrive =
        raw.getQueueAttributes(
                b -> b.queueUrl(url).attributeNames(QueueAttributeName.REDRIVE_POLICY))
            .join()
            .attributesAsStrings()
            .get("RedrivePolicy");
    assertThat(redrive).contains(dlqArn).contains("maxReceiveCount").contains("7");
  }

  @Test
  void queueUrlsAreResolvedOnce() {
    String queue = newQueue();
    for (int i = 0; i < 5; i++) {
      transport.send(text(queue, "m" + i)).join();
    }
    // One lookup of the queue, one of its dead-letter queue when it was created; none after.
    assertThat(calls.count(GetQueueUrlRequest.class)).isLessThanOrEqualTo(2);
    int before = calls.count(GetQueueUrlRequest.class);
    transport.send(text(queue, "again")).join();
    assertThat(calls.count(GetQueueUrlRequest.class)).isEqualTo(before);
  }

  @Test
  void theTraceHeaderTravelsAsTheSystemAttributeOutsideTheBudget() {
    String queue = newQueue();
    String xray = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 0; i < 10; i++) {
      headers.put("h" + i, "v" + i);
    }
    headers.put(WireFormat.TRACE_HEADER, xray);
    transport
        .send(
            OutgoingMessage.builder(queue)
                .setBody("{}".getBytes(StandardCharsets.UTF_8))
                .setHeaders(headers)
                .build())
        .join();

    Message m = receiveAll(queue, 1).get(0);
    assertThat(m.attributesAsStrings()).containsEntry("AWSTraceHeader", xray);
    assertThat(m.messageAttributes()).hasSize(10).doesNotContainKey("AWSTraceHeader");
    assertThat(WireFormat.decode(m).headers()).isEqualTo(headers);
  }

  @Test
  void aBinaryBodyTravelsBase64WithABookkeepingAttribute() {
    String queue = newQueue();
    byte[] body = {0, 1, 2, (byte) 0xff, (byte) 0xfe};
    transport.send(OutgoingMessage.builder(queue).setBody(body).build()).join();

    Message m = receiveAll(queue, 1).get(0);
    assertThat(m.body()).isEqualTo("AAEC//4=");
    assertThat(m.messageAttributes().get(WireFormat.BODY_ENCODING).stringValue())
        .isEqualTo("base64");
    WireFormat.Decoded decoded = WireFormat.decode(m);
    assertThat(decoded.body()).isEqualTo(body);
    assertThat(decoded.headers()).isEmpty();
  }

  /** Makes SQS refuse one entry of each SendMessageBatch: a real per-entry failure on the wire. */
  private static final class RefuseEntry implements ExecutionInterceptor {
    private final String id;

    RefuseEntry(String id) {
      this.id = id;
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
      if (!(context.request() instanceof SendMessageBatchRequest)) {
        return context.request();
      }
      SendMessageBatchRequest r = (SendMessageBatchRequest) context.request();
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (SendMessageBatchRequestEntry e : r.entries()) {
        entries.add(e.id().equals(id) ? e.toBuilder().delaySeconds(1000).build() : e);
      }
      return r.toBuilder().entries(entries).build();
    }
  }
}
