package io.jobcommon.messaging;

import java.time.Duration;
import java.util.Objects;

/**
 * How a consumer takes messages: how many handlers run at once ({@code concurrency}, default 10),
 * how many more messages it may hold ready ({@code prefetch}, default 10), how long a received
 * message stays invisible to other consumers before the broker may redeliver it ({@code lease},
 * default 30 s; on SQS it is kept alive automatically while the handler runs), and how long a
 * graceful shutdown waits for running handlers ({@code shutdownTimeout}, default 30 s). A consumer
 * never holds more than {@code concurrency + prefetch} unsettled messages.
 *
 * <pre>{@code
 * ConsumerOptions.builder().setConcurrency(4).setPrefetch(0).build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ConsumerOptions {
  private static final ConsumerOptions DEFAULTS = builder().build();

  private final int concurrency;
  private final int prefetch;
  private final Duration lease;
  private final Duration shutdownTimeout;

  private ConsumerOptions(Builder b) {
    this.concurrency = b.concurrency;
    this.prefetch = b.prefetch;
    this.lease = b.lease;
    this.shutdownTimeout = b.shutdownTimeout;
  }

  /** Concurrency 10, prefetch 10, lease 30 s, shutdown timeout 30 s. */
  public static ConsumerOptions defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these values. */
  public Builder toBuilder() {
    return new Builder()
        .setConcurrency(concurrency)
        .setPrefetch(prefetch)
        .setLease(lease)
        .setShutdownTimeout(shutdownTimeout);
  }

  /** The most handlers running at once. */
  public int concurrency() {
    return concurrency;
  }

  /** How many received messages may wait for a handler. */
  public int prefetch() {
    return prefetch;
  }

  /** {@code concurrency + prefetch}: the most unsettled messages a consumer holds. */
  public int maxInFlight() {
    return concurrency + prefetch;
  }

  /** How long a received message stays invisible to other consumers. */
  public Duration lease() {
    return lease;
  }

  /** How long a graceful shutdown waits for running handlers. */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ConsumerOptions)) {
      return false;
    }
    ConsumerOptions c = (ConsumerOptions) o;
    return concurrency == c.concurrency
        && prefetch == c.prefetch
        && lease.equals(c.lease)
        && shutdownTimeout.equals(c.shutdownTimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(concurrency, prefetch, lease, shutdownTimeout);
  }

  @Override
  public String toString() {
    return "ConsumerOptions{concurrency="
        + concurrency
        + ", prefetch="
        + prefetch
        + ", lease="
        + lease
        + ", shutdownTimeout="
        + shutdownTimeout
        + "}";
  }

  /** Builds {@link ConsumerOptions}. Not thread-safe. */
  public static final class Builder {
    private int concurrency = 10;
    private int prefetch = 10;
    private Duration lease = Duration.ofSeconds(30);
    private Duration shutdownTimeout = Duration.ofSeconds(30);

    private Builder() {}

    /** The most handlers running at once; at least 1. */
    public Builder setConcurrency(int concurrency) {
      if (concurrency < 1) {
        throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
      }
      this.concurrency = concurrency;
      return this;
    }

    /** How many received messages may wait for a handler; 0 or more. */
    public Builder setPrefetch(int prefetch) {
      if (prefetch < 0) {
        throw new IllegalArgumentException("prefetch must not be negative, was " + prefetch);
      }
      this.prefetch = prefetch;
      return this;
    }

    /** How long a received message stays invisible to others; at least 1 s, at most 12 h. */
    public Builder setLease(Duration lease) {
      Objects.requireNonNull(lease, "lease");
      if (lease.compareTo(Duration.ofSeconds(1)) < 0 || lease.compareTo(Duration.ofHours(12)) > 0) {
        throw new IllegalArgumentException("lease must be between 1 s and 12 h, was " + lease);
      }
      this.lease = lease;
      return this;
    }

    /** How long a graceful shutdown waits for running handlers; not negative. */
    public Builder setShutdownTimeout(Duration shutdownTimeout) {
      Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
      if (shutdownTimeout.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must not be negative");
      }
      this.shutdownTimeout = shutdownTimeout;
      return this;
    }

    /** The options. */
    public ConsumerOptions build() {
      return new ConsumerOptions(this);
    }
  }
}
