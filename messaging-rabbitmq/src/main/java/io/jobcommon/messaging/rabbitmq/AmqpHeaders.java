package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.StandardHeaders;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Converting AMQP header tables to and from the SDK's string headers. Stateless.
 *
 * <p>Strings come back from the broker as {@link LongString}; other peers may send numbers,
 * booleans, timestamps, byte arrays, nested tables or arrays. Scalars become their text; tables and
 * arrays have no faithful string form and are skipped. Nothing here throws on a hostile value.
 */
final class AmqpHeaders {
  private AmqpHeaders() {}

  /**
   * The string headers of a received message, without the transport's bookkeeping ({@code
   * jc-attempt}) and the broker's dead-lettering headers ({@code x-death}, ...).
   */
  static Map<String, String> toStrings(@Nullable Map<String, Object> raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (Map.Entry<String, Object> e : raw.entrySet()) {
      String name = e.getKey();
      if (name == null || isBookkeeping(name)) {
        continue;
      }
      String value = asString(e.getValue());
      if (value != null) {
        out.put(name, value);
      }
    }
    return out;
  }

  /** The text of a scalar header value, or null for null, tables and arrays. */
  static @Nullable String asString(@Nullable Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof String) {
      return (String) value;
    }
    if (value instanceof LongString) {
      return value.toString();
    }
    if (value instanceof byte[]) {
      return new String((byte[]) value, StandardCharsets.UTF_8);
    }
    if (value instanceof BigDecimal) {
      return ((BigDecimal) value).toPlainString();
    }
    if (value instanceof Number || value instanceof Boolean || value instanceof Character) {
      return value.toString();
    }
    if (value instanceof Date) {
      return ((Date) value).toInstant().toString();
    }
    return null;
  }

  /** The {@code jc-attempt} header as a number, 1 when absent or not a positive number. */
  static int attempt(@Nullable Map<String, Object> raw) {
    if (raw == null) {
      return 1;
    }
    String text = asString(raw.get(StandardHeaders.ATTEMPT));
    if (text == null) {
      return 1;
    }
    try {
      int n = Integer.parseInt(text.trim());
      return n >= 1 ? n : 1;
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /**
   * The AMQP header table for {@code headers} (values as {@code java.lang.String}), with {@code
   * jc-attempt} set to {@code attempt} when it is above 1.
   */
  static Map<String, Object> forPublish(Map<String, String> headers, int attempt) {
    Map<String, Object> out = new LinkedHashMap<>(headers.size() + 1);
    for (Map.Entry<String, String> e : headers.entrySet()) {
      if (!isBookkeeping(e.getKey())) {
        out.put(e.getKey(), e.getValue());
      }
    }
    if (attempt > 1) {
      out.put(StandardHeaders.ATTEMPT, Integer.toString(attempt));
    }
    return out;
  }

  /**
   * The header table of a retried or dead-lettered copy: the received {@code raw} headers with
   * their AMQP types kept (tables, arrays, numbers a {@code Map<String, String>} cannot carry),
   * without bookkeeping, plus {@code added}, with {@code jc-attempt} set to {@code attempt} when it
   * is above 1.
   */
  static Map<String, Object> forRepublish(
      @Nullable Map<String, Object> raw, Map<String, String> added, int attempt) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (raw != null) {
      raw.forEach(
          (name, value) -> {
            if (name != null && value != null && !isBookkeeping(name)) {
              out.put(name, value);
            }
          });
    }
    out.putAll(forPublish(added, attempt));
    return out;
  }

  /**
   * Whether a header is the transport's or the broker's own: {@code jc-attempt}, and what the
   * broker adds when it dead-letters or counts deliveries. Other {@code x-} headers are the user's.
   */
  static boolean isBookkeeping(String name) {
    return name.equals(StandardHeaders.ATTEMPT)
        || name.equals("x-death")
        || name.equals("x-delivery-count")
        || name.startsWith("x-first-death-")
        || name.startsWith("x-last-death-");
  }

  /**
   * The properties of a first send of {@code message}: persistent, a new message id, sent at {@code
   * nowMillis}, its headers with attempt 1.
   */
  static AMQP.BasicProperties propertiesOf(OutgoingMessage message, long nowMillis) {
    return new AMQP.BasicProperties.Builder()
        .contentType(message.contentType())
        .deliveryMode(2)
        .messageId(MessageIds.next())
        .timestamp(new Date(nowMillis))
        .headers(forPublish(message.headers(), 1))
        .build();
  }
}
