package io.jobcommon.messaging.rabbitmq;

import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads the AMQP {@code timestamp} property. AMQP defines it in seconds, and amqp-client reads it
 * so; producers on amqplib (job-common for TypeScript) put {@code Date.now()} there, in
 * milliseconds. A value that, read as seconds, lies past the year 5000 is taken as milliseconds.
 * Stateless.
 */
final class AmqpTimestamps {
  /** Seconds since the epoch of the year 5000: no producer sends a timestamp in seconds beyond. */
  private static final long MAX_SECONDS = 95_617_584_000L;

  private AmqpTimestamps() {}

  @SuppressWarnings("JavaUtilDate") // amqp-client's timestamp property is a Date
  static Optional<Instant> sentAt(@Nullable Date timestamp) {
    if (timestamp == null) {
      return Optional.empty();
    }
    long wire = Math.floorDiv(timestamp.getTime(), 1000L); // the value on the wire
    if (wire <= 0) {
      return Optional.empty();
    }
    return Optional.of(
        wire > MAX_SECONDS ? Instant.ofEpochMilli(wire) : Instant.ofEpochSecond(wire));
  }
}
