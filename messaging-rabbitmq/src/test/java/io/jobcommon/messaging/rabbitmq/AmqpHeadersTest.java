package io.jobcommon.messaging.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.impl.LongStringHelper;
import io.jobcommon.messaging.spi.StandardHeaders;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AmqpHeadersTest {

  @Test
  void longStringsAndScalarsBecomeText() {
    Map<String, Object> raw = new HashMap<>();
    raw.put("traceparent", LongStringHelper.asLongString("00-abc-01"));
    raw.put("n", 7);
    raw.put("big", new BigDecimal("1E+3"));
    raw.put("flag", false);
    raw.put("bytes", "ünï".getBytes(StandardCharsets.UTF_8));
    raw.put("at", new Date(1000));
    assertThat(AmqpHeaders.toStrings(raw))
        .containsEntry("traceparent", "00-abc-01")
        .containsEntry("n", "7")
        .containsEntry("big", "1000")
        .containsEntry("flag", "false")
        .containsEntry("bytes", "ünï")
        .containsEntry("at", "1970-01-01T00:00:01Z");
  }

  @Test
  void tablesArraysNullsAndBookkeepingAreSkipped() {
    Map<String, Object> raw = new HashMap<>();
    raw.put("table", Map.of("k", "v"));
    raw.put("list", List.of(1, 2));
    raw.put("nothing", null);
    raw.put("x-death", List.of(Map.of("count", 1L)));
    raw.put("x-first-death-queue", LongStringHelper.asLongString("q.delay.1000"));
    raw.put("x-delivery-count", 2L);
    raw.put(StandardHeaders.ATTEMPT, "2");
    raw.put("x-tenant", "acme");
    assertThat(AmqpHeaders.toStrings(raw)).containsOnly(Map.entry("x-tenant", "acme"));
    assertThat(AmqpHeaders.toStrings(null)).isEmpty();
  }

  @Test
  void theAttemptIsReadLeniently() {
    assertThat(AmqpHeaders.attempt(null)).isEqualTo(1);
    assertThat(AmqpHeaders.attempt(Map.of())).isEqualTo(1);
    assertThat(
            AmqpHeaders.attempt(
                Map.of(StandardHeaders.ATTEMPT, LongStringHelper.asLongString("4"))))
        .isEqualTo(4);
    assertThat(AmqpHeaders.attempt(Map.of(StandardHeaders.ATTEMPT, 3))).isEqualTo(3);
    assertThat(AmqpHeaders.attempt(Map.of(StandardHeaders.ATTEMPT, "zero"))).isEqualTo(1);
    assertThat(AmqpHeaders.attempt(Map.of(StandardHeaders.ATTEMPT, "-2"))).isEqualTo(1);
  }

  @Test
  void publishedHeadersAreJavaStringsWithTheAttemptOnlyAfterTheFirst() {
    Map<String, Object> first = AmqpHeaders.forPublish(Map.of("a", "b"), 1);
    assertThat(first).containsOnly(Map.entry("a", "b"));
    Map<String, Object> retry =
        AmqpHeaders.forPublish(Map.of("a", "b", StandardHeaders.ATTEMPT, "9"), 3);
    assertThat(retry).containsOnly(Map.entry("a", "b"), Map.entry(StandardHeaders.ATTEMPT, "3"));
    assertThat(retry.values()).allMatch(v -> v instanceof String);
  }
}
