package io.jobcommon.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.SendFailedException;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.sqs.SqsTransport;
import io.jobcommon.reliability.SuiteExtension.UncaughtExceptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeNameForSends;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeValue;

/**
 * {@link AbstractBadInputIT} on SQS (embedded ElasticMQ). Cases with an {@code sqs} part are sent
 * with the raw {@link SqsAsyncClient}: attributes of the Number, Binary and custom types, more
 * attributes than SQS allows, a hostile {@code AWSTraceHeader} system attribute, and forged values
 * of the transport's own bookkeeping attributes.
 */
@ReliabilityTest
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BadInputSqsIT extends AbstractBadInputIT {
  private SqsTransport transport;
  private SqsAsyncClient raw;
  private UncaughtExceptions uncaught;

  @BeforeAll
  void connect(SqsBroker broker, UncaughtExceptions uncaught) {
    this.uncaught = uncaught;
    this.transport = broker.transport().build();
    this.raw = broker.client(broker.endpoint());
  }

  @AfterAll
  void close() {
    transport.close();
    raw.close();
  }

  @Override
  String broker() {
    return "sqs";
  }

  @Override
  Transport rawTransport() {
    return transport;
  }

  @Override
  String newQueue() {
    return SqsBroker.queue("bad-input");
  }

  @Override
  UncaughtExceptions uncaught() {
    return uncaught;
  }

  @Override
  CompletableFuture<String> publishNative(String queue, CorpusCase c, Map<String, String> headers) {
    JsonNode sqs = c.sqs();
    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
    headers.forEach(
        (k, v) ->
            attributes.put(
                k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
    sqs.path("attributes")
        .properties()
        .forEach(
            e -> {
              JsonNode a = e.getValue();
              MessageAttributeValue.Builder b =
                  MessageAttributeValue.builder().dataType(a.path("dataType").asText());
              if (a.has("base64")) {
                b.binaryValue(
                    SdkBytes.fromByteArray(Base64.getDecoder().decode(a.get("base64").asText())));
              } else {
                b.stringValue(a.path("string").asText());
              }
              attributes.put(e.getKey(), b.build());
            });
    Map<MessageSystemAttributeNameForSends, MessageSystemAttributeValue> system =
        new LinkedHashMap<>();
    JsonNode trace = sqs.path("systemAttributes").path("AWSTraceHeader");
    if (!trace.isMissingNode()) {
      system.put(
          MessageSystemAttributeNameForSends.AWS_TRACE_HEADER,
          MessageSystemAttributeValue.builder()
              .dataType("String")
              .stringValue(trace.asText())
              .build());
    }
    return raw.getQueueUrl(b -> b.queueName(queue))
        .thenCompose(
            url ->
                raw.sendMessage(
                    b ->
                        b.queueUrl(url.queueUrl())
                            .messageBody(new String(c.body(), StandardCharsets.UTF_8))
                            .messageAttributes(attributes)
                            .messageSystemAttributes(system)))
        .thenApply(r -> r.messageId())
        .exceptionally(
            e -> {
              throw new SendFailedException(queue, "raw send of " + c.name() + " failed: " + e, e);
            });
  }

  @Override
  AutoCloseable consumeDeadLetters(String queue, Consumer<Map<String, String>> sink) {
    Subscription s =
        transport.subscribe(
            queue + "-dlq",
            ConsumerOptions.builder().setConcurrency(2).setPrefetch(10).build(),
            d -> {
              sink.accept(d.headers());
              d.ack();
            });
    return s;
  }

  @Override
  void cleanup(String queue) {
    // The embedded server lives in memory and dies with the suite.
  }
}
