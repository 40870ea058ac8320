package io.jobcommon.messaging.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.MalformedFrameException;
import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.Frame;
import io.jobcommon.messaging.spi.StandardHeaders;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link HeaderFrames} against amqp-client's own writer and reader. */
class HeaderFramesTest {

  private static Object nested(int levels, boolean table) {
    Object v = "leaf";
    for (int i = 0; i < levels; i++) {
      v = table ? Map.of("l" + i, v) : List.of(v);
    }
    return v;
  }

  private static Frame frame(Map<String, Object> headers) throws IOException {
    AMQP.BasicProperties props =
        new AMQP.BasicProperties.Builder()
            .contentType("application/json")
            .headers(headers)
            .deliveryMode(2)
            .messageId("m-1")
            .timestamp(new Date(1_700_000_000_000L))
            .appId("app")
            .build();
    return ((com.rabbitmq.client.impl.AMQContentHeader) props).toFrame(1, 42);
  }

  private static AMQP.BasicProperties read(Frame f) throws IOException {
    return (AMQP.BasicProperties)
        AMQImpl.readContentHeaderFrom(
            new DataInputStream(new ByteArrayInputStream(f.getPayload())));
  }

  private static Map<String, Object> headers(Object deep) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("before", "b");
    h.put("deep", deep);
    h.put("after", 7);
    return h;
  }

  @Test
  void a32LevelTableIsReadableAndLeftAsItIs() throws IOException {
    for (boolean table : new boolean[] {true, false}) {
      Frame f = frame(headers(nested(32, table)));
      assertThat(HeaderFrames.sanitize(f)).isSameAs(f);
      assertThat(read(f).getHeaders()).containsKey("deep");
    }
  }

  @Test
  void deeperTablesAndArraysAreDroppedWithAReasonAndTheRestKept() throws IOException {
    for (int levels : new int[] {33, 100}) {
      for (boolean table : new boolean[] {true, false}) {
        Frame f = frame(headers(nested(levels, table)));
        assertThatThrownBy(() -> read(f))
            .isInstanceOf(MalformedFrameException.class)
            .hasMessageContaining("max 32");
        Frame safe = HeaderFrames.sanitize(f);
        assertThat(safe).isNotSameAs(f);
        AMQP.BasicProperties p = read(safe);
        assertThat(p.getHeaders()).doesNotContainKey("deep").containsKeys("before", "after");
        assertThat(p.getHeaders().get(StandardHeaders.UNREADABLE_HEADERS).toString())
            .isEqualTo("header 'deep' nests tables/arrays deeper than 32 levels");
        assertThat((byte[]) p.getHeaders().get(HeaderFrames.RAW_HEADERS)).isNotEmpty();
        assertThat(p.getMessageId()).isEqualTo("m-1");
        assertThat(p.getContentType()).isEqualTo("application/json");
        assertThat(p.getDeliveryMode()).isEqualTo(2);
        assertThat(p.getAppId()).isEqualTo("app");
        assertThat(p.getTimestamp()).isEqualTo(new Date(1_700_000_000_000L));
        assertThat(p.getBodySize()).isEqualTo(42);
      }
    }
  }

  @Test
  void anUnknownFieldTypeDropsThatHeaderAndTheOnesAfterIt() throws IOException {
    // amqp-client writes a table in hash order: "last" may come before or after "odd"
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("first", "ok");
    h.put("odd", "QQQQ");
    h.put("last", "gone");
    Frame f = frame(h);
    byte[] p = f.getPayload();
    int at = indexOf(p, "odd".getBytes(StandardCharsets.US_ASCII)) + 3;
    assertThat(p[at]).isEqualTo((byte) 'S');
    p[at] = 'Z';
    Frame bad = new Frame(f.getType(), f.getChannel(), p);
    assertThatThrownBy(() -> read(bad)).isInstanceOf(MalformedFrameException.class);
    AMQP.BasicProperties safe = read(HeaderFrames.sanitize(bad));
    assertThat(safe.getHeaders()).containsKey("first").doesNotContainKey("odd");
    assertThat(safe.getHeaders().get(StandardHeaders.UNREADABLE_HEADERS).toString())
        .startsWith("header 'odd' has a value of unknown AMQP field type 'Z'")
        .contains("the headers after it cannot be located");
  }

  @Test
  void aLengthPastTheFrameIsCaught() throws IOException {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("big", "QQQQ");
    h.put("next", "n");
    Frame f = frame(h);
    byte[] p = f.getPayload();
    int at = indexOf(p, "big".getBytes(StandardCharsets.US_ASCII)) + 4;
    p[at] = 0x7f; // the string's 32-bit length, now far past the frame
    Frame bad = new Frame(f.getType(), f.getChannel(), p);
    assertThatThrownBy(() -> read(bad)).isInstanceOf(IOException.class);
    AMQP.BasicProperties safe = read(HeaderFrames.sanitize(bad));
    assertThat(safe.getHeaders().get(StandardHeaders.UNREADABLE_HEADERS).toString())
        .contains("header 'big' claims");
    assertThat(safe.getMessageId()).isEqualTo("m-1");
  }

  @Test
  void aForgedMarkerIsNotKeptWhenTheFrameIsRewritten() throws IOException {
    Map<String, Object> h = headers(nested(40, true));
    h.put(StandardHeaders.UNREADABLE_HEADERS, "forged");
    AMQP.BasicProperties safe = read(HeaderFrames.sanitize(frame(h)));
    assertThat(safe.getHeaders().get(StandardHeaders.UNREADABLE_HEADERS).toString())
        .doesNotContain("forged");
  }

  @Test
  void framesWithoutHeadersAndOtherFrameTypesPassUntouched() throws IOException {
    Frame noHeaders = frame(null);
    assertThat(HeaderFrames.sanitize(noHeaders)).isSameAs(noHeaders);
    Frame body = new Frame(AMQP.FRAME_BODY, 1, new byte[] {1, 2, 3});
    assertThat(HeaderFrames.sanitize(body)).isSameAs(body);
    assertThat(HeaderFrames.sanitize(null)).isNull();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
