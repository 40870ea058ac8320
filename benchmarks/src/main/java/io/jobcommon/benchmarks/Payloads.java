package io.jobcommon.benchmarks;

import java.nio.charset.StandardCharsets;

/**
 * Message bodies that carry their send time: 16 lowercase hex digits of {@link System#nanoTime()},
 * then ASCII filler. Text, so SQS (whose bodies are strings) carries them unchanged. Thread-safe.
 */
final class Payloads {
  static final int HEADER_BYTES = 16;
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private final byte[] template;

  Payloads(int size) {
    template = new byte[size];
    for (int i = HEADER_BYTES; i < size; i++) {
      template[i] = (byte) ('a' + i % 26);
    }
  }

  /** A new body stamped with the current time. */
  byte[] next() {
    byte[] body = template.clone();
    long t = System.nanoTime();
    for (int i = HEADER_BYTES - 1; i >= 0; i--) {
      body[i] = HEX[(int) (t & 0xf)];
      t >>>= 4;
    }
    return body;
  }

  /** The send time stamped into {@code body} by {@link #next()}. */
  static long sentAt(byte[] body) {
    long t = 0;
    for (int i = 0; i < HEADER_BYTES; i++) {
      int c = body[i];
      t = (t << 4) | (c <= '9' ? c - '0' : c - 'a' + 10);
    }
    return t;
  }
}
