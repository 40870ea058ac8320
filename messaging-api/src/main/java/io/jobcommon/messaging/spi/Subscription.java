package io.jobcommon.messaging.spi;

/**
 * A running consumer of one queue, returned by {@link Transport#subscribe}.
 *
 * <p>Thread-safe.
 */
public interface Subscription extends AutoCloseable {

  /** The queue consumed. */
  String queue();

  /**
   * Whether the subscription is receiving: not closed, and its broker connection or poller is
   * working. Health endpoints report it.
   */
  boolean isRunning();

  /**
   * Graceful stop: stops taking new messages, lets handlers that started finish for up to the
   * options' shutdown timeout, releases received-but-unstarted deliveries back to the queue at
   * once, flushes pending settlements. Blocks until done. Idempotent.
   */
  @Override
  void close();
}
