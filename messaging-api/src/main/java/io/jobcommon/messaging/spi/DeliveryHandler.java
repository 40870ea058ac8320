package io.jobcommon.messaging.spi;

/**
 * Receives deliveries from a {@link Transport#subscribe subscription}. Called on a handler thread
 * of the transport's, never on a broker I/O thread; it may block for as long as the work takes.
 * Implementations settle each delivery, synchronously or later, and should not throw: an exception
 * is logged and the delivery released back to the queue.
 */
@FunctionalInterface
public interface DeliveryHandler {

  /** Processes one delivery. */
  void handle(Delivery delivery);
}
