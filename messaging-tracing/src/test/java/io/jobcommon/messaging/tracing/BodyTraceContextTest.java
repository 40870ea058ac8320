package io.jobcommon.messaging.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.testing.InMemoryMessage;
import io.jobcommon.messaging.testing.InMemoryTransport;
import io.jobcommon.testfixtures.InMemoryTelemetry;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BodyTraceContextTest {
  private static final String TP = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  private static final Map<String, String> FIELDS = Map.of("traceparent", TP, "tracestate", "k=v");

  private static String write(String body) {
    byte[] out = BodyTraceContext.write(body.getBytes(StandardCharsets.UTF_8), FIELDS);
    return out == null ? null : new String(out, StandardCharsets.UTF_8);
  }

  @Test
  void aBodyWithoutTraceContextKeepsEveryOtherByte() {
    String body = "{\"amount\":1.10, \"items\" : [1,2], \"big\":12345678901234567890123}";
    String expectedCarrier =
        "{\"traceContext\":{\"traceparent\":\"" + TP + "\",\"tracestate\":\"k=v\"},";
    assertThat(write(body)).isEqualTo(expectedCarrier + body.substring(1));
    assertThat(write("  \n{\"x\":1}")).isEqualTo("  \n" + expectedCarrier + "\"x\":1}");
    assertThat(write("{}"))
        .isEqualTo("{\"traceContext\":{\"traceparent\":\"" + TP + "\",\"tracestate\":\"k=v\"}}");
  }

  @Test
  void anExistingTraceContextIsReplacedAndNumbersKeepTheirPrecision() throws Exception {
    String out =
        write(
            "{\"traceContext\":{\"traceparent\":\"old\",\"x\":1},\"amount\":0.10000000000000000001}");
    JsonNode tree = new ObjectMapper().readTree(out);
    assertThat(tree.get("traceContext").get("traceparent").asText()).isEqualTo(TP);
    assertThat(tree.get("traceContext").has("x")).isFalse();
    assertThat(out).contains("0.10000000000000000001");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[1,2]", "\"text\"", "42", "{\"a\":", "{}{}", "{} x", "", "not json"})
  void aBodyThatIsNotOneJsonObjectIsLeftAlone(String body) {
    assertThat(write(body)).isNull();
  }

  @Test
  void readFindsOnlyTheTopLevelField() {
    String nested = "{\"a\":{\"traceContext\":{\"traceparent\":\"" + TP + "\"}}}";
    assertThat(BodyTraceContext.read(nested.getBytes(StandardCharsets.UTF_8)).kind())
        .isEqualTo(BodyTraceContext.Kind.ABSENT);
    String top = "{\"a\":1,\"traceContext\":{\"traceparent\":\"" + TP + "\",\"other\":[1]}}";
    BodyTraceContext.Read read = BodyTraceContext.read(top.getBytes(StandardCharsets.UTF_8));
    assertThat(read.kind()).isEqualTo(BodyTraceContext.Kind.FOUND);
    assertThat(read.fields()).containsEntry("traceparent", TP);
  }

  @Test
  void bodiesLargerThanTheBoundAreNotScanned() {
    String big =
        "{\"traceContext\":{\"traceparent\":\""
            + TP
            + "\"},\"pad\":\""
            + "x".repeat(BodyTraceContext.MAX_BODY_BYTES)
            + "\"}";
    assertThat(BodyTraceContext.read(big.getBytes(StandardCharsets.UTF_8)).kind())
        .isEqualTo(BodyTraceContext.Kind.ABSENT);
  }

  @Test
  void theInjectIntoBodyOptionLetsABodyOnlyConsumerContinueTheTrace() throws Exception {
    try (InMemoryTelemetry otel = new InMemoryTelemetry()) {
      InMemoryTransport broker = InMemoryTransport.create();
      Transport transport =
          MessagingTelemetry.builder(otel.sdk()).setInjectIntoBody(true).build().wrap(broker);
      transport
          .send(
              OutgoingMessage.builder("q")
                  .setBody("{\"job\":\"x\"}".getBytes(StandardCharsets.UTF_8))
                  .build())
          .join();
      SpanData send = otel.onlySpan("send q");
      InMemoryMessage sent = broker.sentTo("q").get(0);
      JsonNode carrier = new ObjectMapper().readTree(sent.body()).get("traceContext");
      assertThat(carrier.get("traceparent").asText())
          .isEqualTo(TracingTransportTest.traceparentOf(send));
      assertThat(new ObjectMapper().readTree(sent.body()).get("job").asText()).isEqualTo("x");

      // A consumer that only sees the body, as behind a bridge that drops headers.
      TelemetryConfig config = MessagingTelemetry.create(otel.sdk()).config();
      new TracingDeliveryHandler(d -> d.ack(), config, new ContextExtractor(config), "x", "q")
          .handle(StubDelivery.of("q", Map.of(), sent.body()));
      SpanData process = otel.onlySpan("process q");
      assertThat(process.getParentSpanId()).isEqualTo(send.getSpanId());
      transport.close();
    }
  }

  @Test
  void bodiesAreUntouchedByDefault() {
    try (InMemoryTelemetry otel = new InMemoryTelemetry()) {
      InMemoryTransport broker = InMemoryTransport.create();
      Transport transport = MessagingTelemetry.create(otel.sdk()).wrap(broker);
      transport
          .send(
              OutgoingMessage.builder("q")
                  .setBody("{\"a\":1}".getBytes(StandardCharsets.UTF_8))
                  .build())
          .join();
      assertThat(broker.sentTo("q").get(0).bodyAsString()).isEqualTo("{\"a\":1}");
      transport.close();
    }
  }
}
