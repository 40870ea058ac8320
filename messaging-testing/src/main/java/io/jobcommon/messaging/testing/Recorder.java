package io.jobcommon.messaging.testing;

import io.jobcommon.messaging.spi.Delivery;
import io.jobcommon.messaging.spi.DeliveryHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A handler for the conformance kit that records every delivery with its arrival time and then runs
 * a reaction (ack by default). Thread-safe.
 */
final class Recorder implements DeliveryHandler {
  /** A recorded delivery. */
  static final class Received {
    final Delivery delivery;
    final long nanoTime;

    Received(Delivery delivery, long nanoTime) {
      this.delivery = delivery;
      this.nanoTime = nanoTime;
    }
  }

  /** What the handler does with each delivery, after recording it. */
  interface Reaction {
    void react(Delivery delivery) throws Exception;
  }

  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final List<Received> all = new ArrayList<>();
  private final Reaction reaction;

  Recorder(Reaction reaction) {
    this.reaction = reaction;
  }

  static Recorder acking() {
    return new Recorder(Delivery::ack);
  }

  @Override
  public void handle(Delivery delivery) {
    Received r = new Received(delivery, System.nanoTime());
    synchronized (all) {
      all.add(r);
    }
    received.add(r);
    try {
      reaction.react(delivery);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The next delivery, waiting up to {@code timeout}. */
  Received next(Duration timeout) throws InterruptedException {
    Received r = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (r == null) {
      throw new AssertionError("no delivery within " + timeout);
    }
    return r;
  }

  /** Every delivery so far, in order. */
  List<Received> all() {
    synchronized (all) {
      return new ArrayList<>(all);
    }
  }

  int count() {
    synchronized (all) {
      return all.size();
    }
  }
}
