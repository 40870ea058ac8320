package io.jobcommon.messaging.sqs;

import java.time.Duration;

/**
 * The wait after the {@code n}th failure in a row of a poller: 200 ms doubling up to 10 s. No
 * jitter: one poller per queue and process, so there is no herd to spread.
 */
final class Backoff {
  static final Duration INITIAL = Duration.ofMillis(200);
  static final Duration MAX = Duration.ofSeconds(10);

  private Backoff() {}

  /**
   * @param failures failures in a row, at least 1
   */
  static Duration afterFailures(int failures) {
    if (failures < 1) {
      return Duration.ZERO;
    }
    int shift = Math.min(failures - 1, 16);
    long millis = INITIAL.toMillis() << shift;
    return millis >= MAX.toMillis() ? MAX : Duration.ofMillis(millis);
  }
}
