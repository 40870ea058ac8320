package io.jobcommon.messaging.admin;

import io.jobcommon.messaging.spi.Delivery;
import io.jobcommon.messaging.spi.LogSafe;
import io.jobcommon.messaging.spi.StandardHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What an operator needs to know of one dead letter, never the whole body. Immutable; the optional
 * parts are empty when the message does not carry them (dead-lettered by the broker itself, or by
 * another library).
 *
 * @param messageId the broker's id of the dead-lettered copy
 * @param reason why it was dead-lettered
 * @param attempts how often it had been tried
 * @param originalQueue the queue it came from
 * @param failedAt when it was dead-lettered
 * @param traceId the W3C trace id of the trace the message belongs to
 * @param redriveCount how often it has been redriven before
 * @param bodySize the body's size in bytes
 * @param bodyPreview the body's first characters, control characters escaped
 */
public record DeadLetter(
    String messageId,
    Optional<String> reason,
    Optional<Integer> attempts,
    Optional<String> originalQueue,
    Optional<Instant> failedAt,
    Optional<String> traceId,
    int redriveCount,
    int bodySize,
    String bodyPreview) {

  /** How much of a body is decoded for a preview, so a huge body costs little. */
  private static final int PREVIEW_DECODE_LIMIT = 64 * 1024;

  static DeadLetter of(Delivery d, int previewChars) {
    Map<String, String> h = d.headers();
    byte[] body = d.body();
    String text =
        new String(body, 0, Math.min(body.length, PREVIEW_DECODE_LIMIT), StandardCharsets.UTF_8);
    return new DeadLetter(
        d.messageId(),
        Optional.ofNullable(h.get(StandardHeaders.DEAD_LETTER_REASON)),
        Optional.ofNullable(number(h.get(StandardHeaders.ATTEMPTS))),
        Optional.ofNullable(h.get(StandardHeaders.ORIGINAL_QUEUE)),
        Optional.ofNullable(instant(h.get(StandardHeaders.FAILED_AT))),
        Optional.ofNullable(traceId(h.get("traceparent"))),
        redriveCount(h),
        body.length,
        LogSafe.of(text, previewChars));
  }

  static int redriveCount(Map<String, String> headers) {
    Integer n = number(headers.get(DeadLetterAdmin.REDRIVE_COUNT));
    return n == null ? 0 : n;
  }

  private static @Nullable Integer number(@Nullable String v) {
    try {
      return v == null ? null : Integer.valueOf(v.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static @Nullable Instant instant(@Nullable String v) {
    try {
      return v == null ? null : Instant.parse(v.trim());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static @Nullable String traceId(@Nullable String traceparent) {
    if (traceparent == null) {
      return null;
    }
    String[] parts = traceparent.trim().split("-", -1);
    return parts.length >= 4 && parts[1].matches("[0-9a-f]{32}") ? parts[1] : null;
  }
}
