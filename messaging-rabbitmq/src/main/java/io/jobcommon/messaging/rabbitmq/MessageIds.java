package io.jobcommon.messaging.rabbitmq;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Message ids: random version-4 UUIDs drawn from {@link ThreadLocalRandom}. Ids need to be unique,
 * not unpredictable, and {@link UUID#randomUUID()} pays for a {@code SecureRandom} shared by every
 * sending thread. Thread-safe.
 */
final class MessageIds {
  private MessageIds() {}

  static String next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long lsb = (random.nextLong() & ~(0xC0L << 56)) | (0x80L << 56); // IETF variant
    return new UUID(msb, lsb).toString();
  }
}
