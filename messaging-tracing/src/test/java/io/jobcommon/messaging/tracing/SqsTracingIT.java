package io.jobcommon.messaging.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.Delivery;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.sqs.ElasticMq;
import io.jobcommon.messaging.tracing.testing.TracingOnBrokerContract;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** Tracing through SQS, as served by an embedded ElasticMQ. */
@SuppressWarnings("try") // subscriptions are held open for their side effect
class SqsTracingIT extends TracingOnBrokerContract {
  @RegisterExtension static final ElasticMq sqs = new ElasticMq();

  // snippet:start tracing-contract
  @Override
  protected Transport createBrokerTransport() {
    return sqs.transport().build();
  }

  @Override
  protected String sendSpanName(String queue) {
    return "send " + queue;
  }

  // snippet:end tracing-contract

  private Message receiveRaw(SqsAsyncClient raw, String queue) {
    String url = raw.getQueueUrl(b -> b.queueName(queue)).join().queueUrl();
    List<Message> got =
        raw.receiveMessage(
                b ->
                    b.queueUrl(url)
                        .waitTimeSeconds(5)
                        .messageAttributeNames("All")
                        .messageSystemAttributeNames(MessageSystemAttributeName.AWS_TRACE_HEADER))
            .join()
            .messages();
    assertThat(got).hasSize(1);
    return got.get(0);
  }

  /**
   * Every message carries AWSTraceHeader; with 9 attributes of the user's it still carries
   * traceparent, with 10 only AWSTraceHeader; and our consumer continues the trace either way.
   */
  @ParameterizedTest
  @ValueSource(ints = {0, 9, 10})
  void theContextTravelsInTraceparentAndAwsTraceHeaderWithinTheAttributeBudget(int userAttributes)
      throws Exception {
    String queue = newQueue();
    OutgoingMessage.Builder message =
        OutgoingMessage.builder(queue).setBody("{}".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < userAttributes; i++) {
      message.setHeader("a" + i, "v" + i);
    }
    try (Transport traced =
            MessagingTelemetry.create(openTelemetry()).wrap(sqs.transport().build());
        SqsAsyncClient raw = sqs.client()) {
      traced.send(message.build()).join();
      SpanData send = onlySpan("send " + queue);

      Message onTheWire = receiveRaw(raw, queue);
      assertThat(onTheWire.attributes().get(MessageSystemAttributeName.AWS_TRACE_HEADER))
          .startsWith("Root=1-" + send.getTraceId().substring(0, 8) + "-")
          .contains("Parent=" + send.getSpanId());
      assertThat(onTheWire.messageAttributes()).hasSizeLessThanOrEqualTo(10);
      if (userAttributes <= 9) {
        assertThat(onTheWire.messageAttributes().get("traceparent").stringValue())
            .contains(send.getTraceId() + "-" + send.getSpanId());
      } else {
        assertThat(onTheWire.messageAttributes()).doesNotContainKey("traceparent");
      }
      raw.changeMessageVisibility(
              b ->
                  b.queueUrl(raw.getQueueUrl(q -> q.queueName(queue)).join().queueUrl())
                      .receiptHandle(onTheWire.receiptHandle())
                      .visibilityTimeout(0))
          .join();

      List<Delivery> received = new CopyOnWriteArrayList<>();
      try (Subscription s =
          traced.subscribe(
              queue,
              ConsumerOptions.defaults(),
              d -> {
                received.add(d);
                d.ack();
              })) {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> spansNamed("process " + queue).size() == 1);
      }
      SpanData process = onlySpan("process " + queue);
      assertThat(process.getTraceId()).isEqualTo(send.getTraceId());
      assertThat(process.getParentSpanId()).isEqualTo(send.getSpanId());
      assertThat(received.get(0).headers())
          .containsAllEntriesOf(userAttributes == 0 ? Map.of() : Map.of("a0", "v0"));
    }
  }

  @Test
  void aConsumerOfOursContinuesFromAwsTraceHeaderAloneAsTheJavaAgentSendsIt() {
    String queue = newQueue();
    String traceId = "5759e988bd862e3fe1be46a994272793";
    try (Transport plain = sqs.transport().build();
        Transport traced =
            MessagingTelemetry.create(openTelemetry()).wrap(sqs.transport().build())) {
      plain
          .send(
              OutgoingMessage.builder(queue)
                  .setBody("{}".getBytes(StandardCharsets.UTF_8))
                  .setHeader(
                      "AWSTraceHeader",
                      "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")
                  .build())
          .join();
      try (Subscription s = traced.subscribe(queue, ConsumerOptions.defaults(), Delivery::ack)) {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> spansNamed("process " + queue).size() == 1);
      }
    }
    SpanData process = onlySpan("process " + queue);
    assertThat(process.getTraceId()).isEqualTo(traceId);
    assertThat(process.getParentSpanId()).isEqualTo("53995c3f42cd8ad8");
  }
}
