package io.jobcommon.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutgoingMessageTest {

  @Test
  void bodiesAreCopiedInAndOut() {
    byte[] body = {1, 2, 3};
    OutgoingMessage m = OutgoingMessage.builder("q").setBody(body).build();
    body[0] = 9;
    assertThat(m.body()).containsExactly(1, 2, 3);
    m.body()[1] = 9;
    assertThat(m.body()).containsExactly(1, 2, 3);
    assertThat(m.bodySize()).isEqualTo(3);
  }

  @Test
  void aPayloadMessageIsNotEncodedUntilTheClientEncodesIt() {
    OutgoingMessage m = OutgoingMessage.of("q", Map.of("a", 1));
    assertThat(m.isEncoded()).isFalse();
    assertThat(m.bodySize()).isEqualTo(-1);
    assertThatThrownBy(m::body).isInstanceOf(IllegalStateException.class).hasMessageContaining("q");
  }

  @Test
  void toBuilderKeepsEveryValueAndHeadersAreUnmodifiable() {
    OutgoingMessage m =
        OutgoingMessage.builder("orders.fifo")
            .setBody(new byte[] {1})
            .setHeader("a", "1")
            .setDelay(Duration.ofSeconds(5))
            .setGroupId("g")
            .setDeduplicationId("d")
            .setContentType("text/plain")
            .build();
    assertThat(m.toBuilder().build()).isEqualTo(m);
    assertThatThrownBy(() -> m.headers().put("b", "2"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(m.toString()).contains("orders.fifo").doesNotContain("1]");
  }

  @Test
  void invalidValuesAreRejectedWithTheirName() {
    assertThatThrownBy(() -> OutgoingMessage.builder("")).hasMessageContaining("queue");
    assertThatThrownBy(() -> OutgoingMessage.builder("q").setDelay(Duration.ofSeconds(-1)))
        .hasMessageContaining("delay");
    assertThatThrownBy(() -> OutgoingMessage.builder("q").build())
        .hasMessageContaining("setPayload");
    assertThatThrownBy(() -> OutgoingMessage.builder("q").setHeader("h", null))
        .hasMessageContaining("'h'");
  }
}
