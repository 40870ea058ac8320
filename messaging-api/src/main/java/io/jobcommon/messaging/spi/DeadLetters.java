package io.jobcommon.messaging.spi;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Naming and headers of dead-letter queues, the same on every transport. */
public final class DeadLetters {
  /**
   * Longest reason kept; longer ones are cut, so a huge exception message cannot bloat a message.
   */
  public static final int MAX_REASON_LENGTH = 1024;

  private static final String FIFO_SUFFIX = ".fifo";

  private DeadLetters() {}

  /**
   * The dead-letter queue of {@code queue}: {@code <queue>-dlq}, or {@code <name>-dlq.fifo} for a
   * FIFO queue {@code <name>.fifo} (SQS requires FIFO queues to end in {@code .fifo}).
   */
  public static String queueName(String queue) {
    if (queue.endsWith(FIFO_SUFFIX)) {
      return queue.substring(0, queue.length() - FIFO_SUFFIX.length()) + "-dlq" + FIFO_SUFFIX;
    }
    return queue + "-dlq";
  }

  /**
   * The headers of a dead-lettered copy: the original {@code headers}, plus the reason, the
   * original queue, the attempt count and the time, under the {@link StandardHeaders} names.
   */
  public static Map<String, String> headers(
      Map<String, String> headers, String queue, int attempts, String reason, Instant failedAt) {
    Map<String, String> out = new LinkedHashMap<>(headers);
    out.put(StandardHeaders.DEAD_LETTER_REASON, truncate(reason));
    out.put(StandardHeaders.ORIGINAL_QUEUE, queue);
    out.put(StandardHeaders.ATTEMPTS, Integer.toString(attempts));
    out.put(StandardHeaders.FAILED_AT, failedAt.toString());
    return out;
  }

  /** {@code reason} cut to {@link #MAX_REASON_LENGTH} characters. */
  public static String truncate(String reason) {
    return reason.length() <= MAX_REASON_LENGTH
        ? reason
        : reason.substring(0, MAX_REASON_LENGTH - 1) + "…";
  }
}
