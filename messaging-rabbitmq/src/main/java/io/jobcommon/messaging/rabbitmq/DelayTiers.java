package io.jobcommon.messaging.rabbitmq;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delays a queue's delay tiers hold messages for. A delayed message goes to the smallest tier
 * at least as long as its delay, so it never arrives early; a delay longer than the largest tier
 * goes to the largest, and so arrives early. Immutable and thread-safe.
 */
final class DelayTiers {
  private static final Logger log = LoggerFactory.getLogger(DelayTiers.class);

  /** 1 s, 5 s, 15 s, 1 min, 5 min, 15 min, 1 h: the Dispatcher's default backoff fits within. */
  static final List<Duration> DEFAULTS =
      List.of(
          Duration.ofSeconds(1),
          Duration.ofSeconds(5),
          Duration.ofSeconds(15),
          Duration.ofMinutes(1),
          Duration.ofMinutes(5),
          Duration.ofMinutes(15),
          Duration.ofHours(1));

  /** The broker's limit for x-message-ttl (2^32 - 1 ms, about 49 days). */
  private static final long MAX_TTL_MS = 0xFFFF_FFFFL;

  private final long[] millis;

  private DelayTiers(long[] millis) {
    this.millis = millis;
  }

  /**
   * Tiers of {@code delays}, sorted, duplicates removed.
   *
   * @throws IllegalArgumentException if empty, or a delay is under 1 ms or over about 49 days
   */
  static DelayTiers of(List<Duration> delays) {
    if (delays.isEmpty()) {
      throw new IllegalArgumentException("delay tiers must not be empty");
    }
    TreeSet<Long> sorted = new TreeSet<>();
    for (Duration d : delays) {
      long ms = d.toMillis();
      if (ms < 1 || ms > MAX_TTL_MS) {
        throw new IllegalArgumentException(
            "delay tier " + d + " is out of range (1 ms to " + Duration.ofMillis(MAX_TTL_MS) + ")");
      }
      sorted.add(ms);
    }
    return new DelayTiers(sorted.stream().mapToLong(Long::longValue).toArray());
  }

  /** The tier for {@code delay} in milliseconds: the smallest ≥ delay, or the largest. */
  long tierFor(Duration delay) {
    long ms = delay.toMillis() + (delay.toNanosPart() % 1_000_000 == 0 ? 0 : 1);
    for (long tier : millis) {
      if (tier >= ms) {
        return tier;
      }
    }
    return largest();
  }

  /**
   * The tier a message for {@code queue} delayed by {@code delay} goes to, 0 for none (no delay);
   * warns when the delay is longer than the largest tier, so the message comes back early.
   *
   * @param what the message, for the warning: "message to queue q", "retry of message m"
   */
  long route(String queue, Duration delay, String what) {
    if (delay.isZero()) {
      return 0;
    }
    long tier = tierFor(delay);
    if (exceedsLargest(delay)) {
      log.warn(
          "{} on queue {} asked for a delay of {} but the largest delay tier is {}; it comes back"
              + " after {}",
          what,
          queue,
          delay,
          Duration.ofMillis(tier),
          Duration.ofMillis(tier));
    }
    return tier;
  }

  /** Where a message for {@code queue} is published: the queue, or its tier of {@code tier} ms. */
  static String target(String queue, long tier) {
    return tier == 0 ? queue : queueName(queue, tier);
  }

  /** Whether {@code delay} is longer than the largest tier (it will arrive early). */
  boolean exceedsLargest(Duration delay) {
    return delay.toMillis() > largest();
  }

  long largest() {
    return millis[millis.length - 1];
  }

  List<Duration> asDurations() {
    List<Duration> out = new ArrayList<>(millis.length);
    for (long ms : millis) {
      out.add(Duration.ofMillis(ms));
    }
    return out;
  }

  /** The name of {@code queue}'s tier of {@code ms}: {@code <queue>.delay.<ms>}. */
  static String queueName(String queue, long ms) {
    return queue + ".delay." + ms;
  }

  @Override
  public String toString() {
    return asDurations().toString();
  }
}
