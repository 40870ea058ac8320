package io.jobcommon.messaging.sqs;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Reads SQS's {@code SentTimestamp} system attribute (epoch milliseconds). Stateless. */
final class SentTimestamps {
  private SentTimestamps() {}

  /** The instant, or null when absent or not a number. */
  static @Nullable Instant parse(@Nullable String epochMillis) {
    if (epochMillis == null) {
      return null;
    }
    try {
      return Instant.ofEpochMilli(Long.parseLong(epochMillis.trim()));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
