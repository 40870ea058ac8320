package io.jobcommon.messaging.testing;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.spi.Delivery;
import io.jobcommon.messaging.spi.DeliveryHandler;
import io.jobcommon.messaging.spi.HandlerPool;
import io.jobcommon.messaging.spi.Subscription;
import java.util.List;

/**
 * A consumer of one in-memory queue: a receiver thread that leases messages while fewer than {@code
 * concurrency + prefetch} are unsettled, and a {@link HandlerPool} that runs the handler.
 * Thread-safe.
 */
final class InMemorySubscription implements Subscription {
  private final InMemoryTransport transport;
  private final InMemoryQueue queue;
  private final ConsumerOptions options;
  private final HandlerPool pool;
  private final Thread receiver;
  private final Object closeLock = new Object();
  private boolean closed;

  // Guarded by the transport's lock (the queue's methods take it).
  int unsettled;
  boolean closing;

  InMemorySubscription(
      InMemoryTransport transport,
      InMemoryQueue queue,
      ConsumerOptions options,
      DeliveryHandler handler) {
    this.transport = transport;
    this.queue = queue;
    this.options = options;
    this.pool = new HandlerPool(queue.name, options.concurrency(), handler);
    this.receiver = new Thread(this::receive, "jc-inmemory-receiver-" + queue.name);
    this.receiver.setDaemon(true);
  }

  void start() {
    receiver.start();
  }

  InMemoryQueue queueState() {
    return queue;
  }

  ConsumerOptions options() {
    return options;
  }

  /** Whether no handler runs or waits. */
  boolean isQuiet() {
    return pool.running() == 0 && pool.queued() == 0;
  }

  private void receive() {
    while (true) {
      Delivery d = queue.nextDelivery(this);
      if (d == null) {
        return;
      }
      pool.submit(d);
    }
  }

  /** Called once per delivery, when it is first settled. */
  void settled() {
    queue.settled(this);
  }

  @Override
  public String queue() {
    return queue.name;
  }

  @Override
  public boolean isRunning() {
    return receiver.isAlive() && !queue.isClosing(this);
  }

  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    queue.stopReceiving(this);
    try {
      receiver.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Delivery> unstarted = pool.shutdown(options.shutdownTimeout());
    unstarted.forEach(Delivery::release);
    transport.removeSubscription(this);
  }

  @Override
  public String toString() {
    return "InMemorySubscription{queue=" + queue.name + ", " + options + "}";
  }
}
