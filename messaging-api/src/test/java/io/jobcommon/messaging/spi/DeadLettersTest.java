package io.jobcommon.messaging.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

  @Test
  void deadLetterQueueNamesKeepTheFifoSuffixLast() {
    assertThat(DeadLetters.queueName("orders")).isEqualTo("orders-dlq");
    assertThat(DeadLetters.queueName("orders.fifo")).isEqualTo("orders-dlq.fifo");
  }

  @Test
  void headersKeepTheOriginalsAndAddTheReason() {
    Map<String, String> h =
        DeadLetters.headers(
            Map.of("traceparent", "tp"), "orders", 3, "x".repeat(5000), Instant.EPOCH);
    assertThat(h)
        .containsEntry("traceparent", "tp")
        .containsEntry(StandardHeaders.ORIGINAL_QUEUE, "orders")
        .containsEntry(StandardHeaders.ATTEMPTS, "3")
        .containsEntry(StandardHeaders.FAILED_AT, "1970-01-01T00:00:00Z");
    assertThat(h.get(StandardHeaders.DEAD_LETTER_REASON)).hasSize(DeadLetters.MAX_REASON_LENGTH);
  }
}
