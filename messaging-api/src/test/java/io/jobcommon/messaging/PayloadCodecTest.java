package io.jobcommon.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PayloadCodecTest {
  record Upload(String sbomId, Instant at, LocalDate day, Duration took, Optional<String> note) {}

  record Item(String name) {}

  private final PayloadCodec codec = PayloadCodec.json();

  @Test
  void javaTimeAndOptionalRoundTripAsIsoStrings() {
    Upload u =
        new Upload(
            "s1",
            Instant.parse("2026-11-24T10:15:30.123Z"),
            LocalDate.of(2026, 11, 24),
            Duration.ofSeconds(90),
            Optional.of("n"));
    byte[] body = codec.encode(u);
    String json = new String(body, StandardCharsets.UTF_8);
    assertThat(json)
        .contains("\"at\":\"2026-11-24T10:15:30.123Z\"")
        .contains("\"day\":\"2026-11-24\"");
    assertThat(codec.decode(body, Upload.class)).isEqualTo(u);
  }

  @Test
  void unknownPropertiesFromNewerProducersAreIgnored() {
    byte[] body = "{\"name\":\"a\",\"addedLater\":42}".getBytes(StandardCharsets.UTF_8);
    assertThat(codec.decode(body, Item.class)).isEqualTo(new Item("a"));
  }

  @Test
  void genericTypesDecode() throws Exception {
    java.lang.reflect.Type listOfItems =
        PayloadCodecTest.class.getDeclaredField("itemsField").getGenericType();
    Object decoded =
        codec.decode(
            "[{\"name\":\"a\"},{\"name\":\"b\"}]".getBytes(StandardCharsets.UTF_8), listOfItems);
    assertThat(decoded).isEqualTo(List.of(new Item("a"), new Item("b")));
  }

  @SuppressWarnings("unused")
  private List<Item> itemsField;

  @Test
  void rawBytesPassThrough() {
    byte[] raw = {0, (byte) 0xff, 10};
    assertThat(codec.encode(raw)).isEqualTo(raw);
    assertThat((byte[]) codec.decode(raw, byte[].class)).isEqualTo(raw);
  }

  @Test
  void badBodiesFailWithADecodingExceptionThatDoesNotQuoteTheBody() {
    for (String bad :
        List.of("", "null", "{\"name\":\"secret-value\"", "{} extra", "[\"secret-value\"]")) {
      assertThatThrownBy(() -> codec.decode(bad.getBytes(StandardCharsets.UTF_8), Item.class))
          .as(bad)
          .isInstanceOf(PayloadDecodingException.class)
          .hasMessageContaining("PayloadCodecTest$Item")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret-value"));
    }
    byte[] invalidUtf8 = {
      '{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xc3, (byte) 0x28, '"', '}'
    };
    assertThatThrownBy(() -> codec.decode(invalidUtf8, Item.class))
        .isInstanceOf(PayloadDecodingException.class);
  }

  @Test
  void unencodablePayloadFailsWithAnEncodingException() {
    Object selfReferencing =
        new Object() {
          @SuppressWarnings({"unused", "EffectivelyPrivate"}) // public: Jackson serialises it
          public Object getSelf() {
            return this;
          }
        };
    assertThatThrownBy(() -> codec.encode(selfReferencing))
        .isInstanceOf(PayloadEncodingException.class);
  }
}
