package io.jobcommon.messaging.testing;

/**
 * What a transport under the {@link TransportConformanceKit} can do beyond the promises every
 * transport keeps. The kit skips, with the reason, the tests of a capability the transport lacks,
 * and runs them where it has it, so that every test that runs can fail.
 *
 * <pre>{@code
 * @Override
 * protected TransportCapabilities capabilities() {
 *   return TransportCapabilities.basic().withExpiringLeases().withFifoGroups().withMaxBodySize(1 << 20);
 * }
 * }</pre>
 *
 * <p>Immutable.
 *
 * @param leasesExpire a received message is held for its consumer only for the lease ({@code
 *     ConsumerOptions.lease()}) unless {@code Delivery.extendLease} extends it: unsettled past it,
 *     it is delivered again while the consumer runs (in memory). Where a heartbeat extends the
 *     lease of every unsettled delivery by itself (SQS) or there is no lease (RabbitMQ), an
 *     unsettled message stays with its consumer until the consumer closes: declare {@code false}.
 * @param fifoGroups messages sent with the same {@code OutgoingMessage.groupId} on a queue named by
 *     {@link TransportConformanceKit#newFifoQueueName()} are handled one at a time, in send order
 * @param maxBodySize the largest body, in bytes, the transport accepts and refuses above with a
 *     {@code MessageTooLargeException}; 0 when it enforces no limit of its own
 */
public record TransportCapabilities(boolean leasesExpire, boolean fifoGroups, int maxBodySize) {

  /** Checks the values. */
  public TransportCapabilities {
    if (maxBodySize < 0) {
      throw new IllegalArgumentException(
          "maxBodySize must be 0 (no limit) or more: " + maxBodySize);
    }
  }

  /**
   * No capability beyond the common promises: no expiring leases, no FIFO groups, no size limit.
   */
  public static TransportCapabilities basic() {
    return new TransportCapabilities(false, false, 0);
  }

  /** The same, with leases that expire unless extended. */
  public TransportCapabilities withExpiringLeases() {
    return new TransportCapabilities(true, fifoGroups, maxBodySize);
  }

  /** The same, with FIFO groups. */
  public TransportCapabilities withFifoGroups() {
    return new TransportCapabilities(leasesExpire, true, maxBodySize);
  }

  /** The same, with a body size limit of {@code bytes}. */
  public TransportCapabilities withMaxBodySize(int bytes) {
    return new TransportCapabilities(leasesExpire, fifoGroups, bytes);
  }
}
