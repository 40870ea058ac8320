package io.jobcommon.messaging.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobcommon.messaging.MessageTooLargeException;
import io.jobcommon.messaging.SendFailedException;
import io.jobcommon.messaging.spi.StandardHeaders;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

class WireFormatTest {
  private static final String Q = "q";
  private static final byte[] TEXT = "{}".getBytes(StandardCharsets.UTF_8);

  /** What SQS hands back for an encoded message. */
  private static Message onTheWire(WireFormat.Encoded e) {
    Message.Builder m = Message.builder().body(e.body()).messageAttributes(e.attributes());
    if (e.traceHeader() != null) {
      m.attributesWithStrings(Map.of("AWSTraceHeader", e.traceHeader().stringValue()));
    }
    return m.build();
  }

  private static WireFormat.Decoded roundTrip(byte[] body, Map<String, String> headers) {
    return WireFormat.decode(onTheWire(WireFormat.encode(Q, body, headers)));
  }

  @Test
  void textTravelsAsItIs() {
    byte[] body = "{\"n\":\"héllo ✓ 🚀\"}".getBytes(StandardCharsets.UTF_8);
    WireFormat.Encoded e = WireFormat.encode(Q, body, Map.of("tenant", "acme"));
    assertThat(e.body()).isEqualTo("{\"n\":\"héllo ✓ 🚀\"}");
    assertThat(e.attributes()).containsOnlyKeys("tenant");
    assertThat(roundTrip(body, Map.of("tenant", "acme")).headers())
        .containsExactly(Map.entry("tenant", "acme"));
  }

  @Test
  void bodiesSqsCannotCarryTravelBase64AndComeBackIntact() {
    byte[][] bodies = {
      {(byte) 0xff, 0, 1}, // not UTF-8
      "a\u0001b".getBytes(StandardCharsets.UTF_8), // a control character SQS refuses
      "\uFFFF".getBytes(StandardCharsets.UTF_8), // a non-character SQS refuses
      {(byte) 0xC0, (byte) 0x80}, // overlong NUL: not strict UTF-8
    };
    for (byte[] body : bodies) {
      WireFormat.Encoded e = WireFormat.encode(Q, body, Map.of());
      assertThat(e.attributes().get(WireFormat.BODY_ENCODING).stringValue()).isEqualTo("base64");
      WireFormat.Decoded d = WireFormat.decode(onTheWire(e));
      assertThat(d.body()).isEqualTo(body);
      assertThat(d.headers()).isEmpty();
    }
  }

  @Test
  void anEmptyBodyTravelsAsAPlaceholder() {
    WireFormat.Encoded e = WireFormat.encode(Q, new byte[0], Map.of());
    assertThat(e.body()).isNotEmpty();
    assertThat(WireFormat.decode(onTheWire(e)).body()).isEmpty();
  }

  @Test
  void emptyHeaderValuesRoundTrip() {
    Map<String, String> headers = Map.of("empty", "");
    assertThat(roundTrip(new byte[] {'x'}, headers).headers()).isEqualTo(headers);
  }

  @Test
  void theTraceHeaderIsASystemAttributeOutsideTheBudget() {
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 0; i < 10; i++) {
      headers.put("h" + i, "v");
    }
    headers.put(WireFormat.TRACE_HEADER, "Root=1-abc");
    WireFormat.Encoded e = WireFormat.encode(Q, new byte[] {'x'}, headers);
    assertThat(e.attributes()).hasSize(10).doesNotContainKey(WireFormat.TRACE_HEADER);
    assertThat(e.traceHeader().stringValue()).isEqualTo("Root=1-abc");
    assertThat(WireFormat.decode(onTheWire(e)).headers()).isEqualTo(headers);
  }

  @Test
  void elevenAttributesAreRefused() {
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 0; i < 11; i++) {
      headers.put("h" + i, "v");
    }
    assertThatThrownBy(() -> WireFormat.encode(Q, new byte[] {'x'}, headers))
        .isInstanceOf(SendFailedException.class)
        .hasMessageContaining("needs 11 message attributes but SQS allows 10");
  }

  @Test
  void theBodyEncodingAttributeCountsTowardsTheBudget() {
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 0; i < 10; i++) {
      headers.put("h" + i, "v");
    }
    assertThatThrownBy(() -> WireFormat.encode(Q, new byte[] {(byte) 0xff}, headers))
        .isInstanceOf(SendFailedException.class)
        .hasMessageContaining("jc-body-encoding");
  }

  @Test
  void deadLetterHeadersAreSeparateWhenTheyFitAndPackedWhenNot() {
    Map<String, String> jc = new LinkedHashMap<>();
    jc.put("jc-dead-letter-reason", "boom\u0000");
    jc.put("jc-original-queue", "q");
    jc.put("jc-attempts", "3");
    jc.put("jc-failed-at", "2026-11-01T00:00:00Z");

    WireFormat.Encoded fits = WireFormat.encode(Q, new byte[] {'x'}, Map.of("a", "1"), jc);
    assertThat(fits.attributes()).containsKeys("a", "jc-dead-letter-reason", "jc-attempts");

    Map<String, String> ten = new LinkedHashMap<>();
    for (int i = 0; i < 10; i++) {
      ten.put("h" + i, "v" + i);
    }
    WireFormat.Encoded packed = WireFormat.encode(Q, new byte[] {(byte) 0xff}, ten, jc);
    assertThat(packed.attributes())
        .hasSize(10)
        .containsKeys(WireFormat.PACKED, WireFormat.BODY_ENCODING);
    Map<String, String> back = WireFormat.decode(onTheWire(packed)).headers();
    assertThat(back).containsAllEntriesOf(ten).hasSize(14);
    assertThat(back.get("jc-dead-letter-reason")).isEqualTo("boom\uFFFD");
    assertThat(back).containsEntry("jc-attempts", "3");
  }

  @Test
  void headerNamesSqsRefusesFailClearly() {
    for (String name : new String[] {"AWS.x", "amazon.y", "a..b", ".a", "a b", "é"}) {
      assertThatThrownBy(() -> WireFormat.encode(Q, new byte[] {'x'}, Map.of(name, "v")))
          .as(name)
          .isInstanceOf(SendFailedException.class)
          .hasMessageContaining("header name '" + name + "'");
    }
  }

  @Test
  void controlCharactersInHeaderValuesFailClearly() {
    assertThatThrownBy(() -> WireFormat.encode(Q, new byte[] {'x'}, Map.of("h", "a\u0007")))
        .isInstanceOf(SendFailedException.class)
        .hasMessageContaining("header 'h'");
  }

  @Test
  void theSizeCountsBodyAndAttributes() {
    WireFormat.Encoded e =
        WireFormat.encode(Q, "abc".getBytes(StandardCharsets.UTF_8), Map.of("k", "vv"));
    assertThat(e.size()).isEqualTo(3 + 1 + "String".length() + 2);
    byte[] big = new byte[1024 * 1024];
    java.util.Arrays.fill(big, (byte) 'a');
    assertThatThrownBy(() -> WireFormat.encode(Q, big, Map.of("k", "v")))
        .isInstanceOf(MessageTooLargeException.class);
  }

  @Test
  void foreignBinaryAttributesArriveAsBase64() {
    Message m =
        Message.builder()
            .body("x")
            .messageAttributes(
                Map.of(
                    "bin",
                    software.amazon.awssdk.services.sqs.model.MessageAttributeValue.builder()
                        .dataType("Binary")
                        .binaryValue(
                            software.amazon.awssdk.core.SdkBytes.fromByteArray(new byte[] {1, 2}))
                        .build()))
            .build();
    assertThat(WireFormat.decode(m).headers()).containsEntry("bin", "AQI=");
  }

  @Test
  void traceHeadersGiveWayWhenANonTextBodyNeedsTheLastAttribute() {
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 0; i < 8; i++) {
      headers.put("h" + i, "v" + i);
    }
    headers.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    headers.put("tracestate", "k=v");
    headers.put(
        "AWSTraceHeader",
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
    byte[] binary = {(byte) 0xff, 0, 1};

    WireFormat.Encoded e = WireFormat.encode(Q, binary, headers);

    assertThat(e.attributes())
        .hasSize(10)
        .containsKeys("h0", "h7", WireFormat.BODY_ENCODING, "traceparent")
        .doesNotContainKey("tracestate");
    assertThat(e.traceHeader()).isNotNull();
  }

  /** The one home of SQS's budget: the tracing layer writes every trace header, this decides. */
  @Test
  void nineUserHeadersLeaveRoomForTraceparentOnlyBaggageGoesFirst() {
    WireFormat.Encoded e = WireFormat.encode(Q, TEXT, tracedWithUserHeaders(9));

    assertThat(e.attributes())
        .hasSize(10)
        .containsKeys("h0", "h8", "traceparent")
        .doesNotContainKeys("tracestate", "baggage");
    assertThat(e.traceHeader()).isNotNull();
  }

  @Test
  void eightUserHeadersKeepTraceparentAndTracestate() {
    assertThat(WireFormat.encode(Q, TEXT, tracedWithUserHeaders(8)).attributes())
        .hasSize(10)
        .containsKeys("traceparent", "tracestate")
        .doesNotContainKey("baggage");
  }

  @Test
  void tenUserHeadersLeaveTheContextToAwsTraceHeaderAlone() {
    WireFormat.Encoded e = WireFormat.encode(Q, TEXT, tracedWithUserHeaders(10));

    assertThat(e.attributes())
        .hasSize(10)
        .doesNotContainKeys("traceparent", "tracestate", "baggage");
    assertThat(e.traceHeader()).isNotNull();
  }

  private static Map<String, String> tracedWithUserHeaders(int count) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      headers.put("h" + i, "v" + i);
    }
    headers.put(
        StandardHeaders.TRACEPARENT, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    headers.put(StandardHeaders.TRACESTATE, "k=v");
    headers.put(StandardHeaders.BAGGAGE, "tenant=t1");
    headers.put(
        StandardHeaders.AWS_TRACE_HEADER,
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
    return headers;
  }

  @Test
  void userHeadersAreNeverDroppedToMakeRoom() {
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 0; i < 10; i++) {
      headers.put("h" + i, "v" + i);
    }
    assertThatThrownBy(() -> WireFormat.encode(Q, new byte[] {(byte) 0xff}, headers))
        .isInstanceOf(SendFailedException.class)
        .hasMessageContaining("needs 11 message attributes");
  }
}
