package io.jobcommon.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * When a failed message is retried and when it is dead-lettered. The delay before attempt {@code
 * n+1} is {@code initialBackoff × multiplier^(n-1)}, capped at {@code maxBackoff}; with full jitter
 * (the default) a random delay between zero and that ceiling, so that a crowd of failures does not
 * come back at once. A {@link NonRetryableException} anywhere in the cause chain, or a failure the
 * {@link Builder#addNonRetryable configured} classes or predicate match, is dead-lettered at once.
 *
 * <p>Defaults: 5 attempts, 1 s × 2 up to 5 min, full jitter.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.builder()
 *     .setMaxAttempts(10)
 *     .setInitialBackoff(Duration.ofSeconds(5))
 *     .addNonRetryable(IllegalArgumentException.class)
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class RetryPolicy {
  private static final RetryPolicy DEFAULTS = builder().build();
  private static final int CAUSE_DEPTH = 16;

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final double multiplier;
  private final Duration maxBackoff;
  private final boolean jitter;
  private final List<Class<? extends Throwable>> nonRetryable;
  private final Predicate<Throwable> nonRetryableIf;

  private RetryPolicy(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.multiplier = b.multiplier;
    this.maxBackoff = b.maxBackoff;
    this.jitter = b.jitter;
    this.nonRetryable = List.copyOf(b.nonRetryable);
    this.nonRetryableIf = b.nonRetryableIf;
  }

  /** 5 attempts, 1 s × 2 up to 5 min, full jitter. */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this policy's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxAttempts = maxAttempts;
    b.initialBackoff = initialBackoff;
    b.multiplier = multiplier;
    b.maxBackoff = maxBackoff;
    b.jitter = jitter;
    b.nonRetryable.addAll(nonRetryable);
    b.nonRetryableIf = nonRetryableIf;
    return b;
  }

  /** The most deliveries a message gets, the first included; at least 1. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** The ceiling of the delay before the first retry. */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** How much the ceiling grows per attempt. */
  public double multiplier() {
    return multiplier;
  }

  /** The largest delay. */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** Whether delays are drawn at random below the ceiling (full jitter). */
  public boolean jitter() {
    return jitter;
  }

  /** Whether a failed delivery {@code attempt} gets another one. */
  public boolean hasAttemptsLeft(int attempt) {
    return attempt < maxAttempts;
  }

  /** Whether {@code failure} may be retried (no non-retryable exception in its cause chain). */
  public boolean isRetryable(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < CAUSE_DEPTH; depth++, t = t.getCause()) {
      if (t instanceof NonRetryableException) {
        return false;
      }
      for (Class<? extends Throwable> c : nonRetryable) {
        if (c.isInstance(t)) {
          return false;
        }
      }
    }
    return !nonRetryableIf.test(failure);
  }

  /** The delay ceiling after failed attempt {@code attempt} (1-based): no jitter applied. */
  public Duration backoffCeiling(int attempt) {
    double factor = Math.pow(multiplier, Math.max(0, attempt - 1));
    double millis = initialBackoff.toMillis() * factor;
    if (Double.isInfinite(millis) || millis >= maxBackoff.toMillis()) {
      return maxBackoff;
    }
    return Duration.ofMillis((long) millis);
  }

  /** The delay before retrying after failed attempt {@code attempt} (1-based). */
  public Duration backoff(int attempt) {
    Duration ceiling = backoffCeiling(attempt);
    if (!jitter || ceiling.isZero()) {
      return ceiling;
    }
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling.toMillis() + 1));
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RetryPolicy)) {
      return false;
    }
    RetryPolicy p = (RetryPolicy) o;
    return maxAttempts == p.maxAttempts
        && Double.compare(multiplier, p.multiplier) == 0
        && jitter == p.jitter
        && initialBackoff.equals(p.initialBackoff)
        && maxBackoff.equals(p.maxBackoff)
        && nonRetryable.equals(p.nonRetryable)
        && nonRetryableIf.equals(p.nonRetryableIf);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxAttempts, initialBackoff, multiplier, maxBackoff, jitter, nonRetryable);
  }

  @Override
  public String toString() {
    return "RetryPolicy{maxAttempts="
        + maxAttempts
        + ", backoff="
        + initialBackoff
        + "×"
        + multiplier
        + " up to "
        + maxBackoff
        + (jitter ? ", full jitter" : "")
        + (nonRetryable.isEmpty() ? "" : ", nonRetryable=" + nonRetryable)
        + "}";
  }

  /** Builds a {@link RetryPolicy}. Not thread-safe. */
  public static final class Builder {
    private int maxAttempts = 5;
    private Duration initialBackoff = Duration.ofSeconds(1);
    private double multiplier = 2.0;
    private Duration maxBackoff = Duration.ofMinutes(5);
    private boolean jitter = true;
    private final List<Class<? extends Throwable>> nonRetryable = new ArrayList<>();
    private Predicate<Throwable> nonRetryableIf = t -> false;

    private Builder() {}

    /** The most deliveries, the first included; 1 means never retry. */
    public Builder setMaxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** The delay ceiling before the first retry; not negative. */
    public Builder setInitialBackoff(Duration initialBackoff) {
      Objects.requireNonNull(initialBackoff, "initialBackoff");
      if (initialBackoff.isNegative()) {
        throw new IllegalArgumentException("initialBackoff must not be negative");
      }
      this.initialBackoff = initialBackoff;
      return this;
    }

    /** The growth per attempt; at least 1. */
    public Builder setMultiplier(double multiplier) {
      if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
        throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
      }
      this.multiplier = multiplier;
      return this;
    }

    /** The largest delay; not negative. */
    public Builder setMaxBackoff(Duration maxBackoff) {
      Objects.requireNonNull(maxBackoff, "maxBackoff");
      if (maxBackoff.isNegative()) {
        throw new IllegalArgumentException("maxBackoff must not be negative");
      }
      this.maxBackoff = maxBackoff;
      return this;
    }

    /** Whether delays are random below the ceiling (full jitter); on by default. */
    public Builder setJitter(boolean jitter) {
      this.jitter = jitter;
      return this;
    }

    /** Failures of this class (or a subclass), anywhere in the cause chain, are not retried. */
    public Builder addNonRetryable(Class<? extends Throwable> type) {
      nonRetryable.add(Objects.requireNonNull(type, "type"));
      return this;
    }

    /** Failures matching {@code predicate} are not retried. */
    public Builder setNonRetryableIf(Predicate<Throwable> predicate) {
      this.nonRetryableIf = Objects.requireNonNull(predicate, "predicate");
      return this;
    }

    /** The policy. */
    public RetryPolicy build() {
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalStateException(
            "maxBackoff (" + maxBackoff + ") is less than initialBackoff (" + initialBackoff + ")");
      }
      return new RetryPolicy(this);
    }
  }
}
