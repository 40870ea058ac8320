package io.jobcommon.benchmarks;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.AbstractDelivery;
import io.jobcommon.messaging.spi.DeliveryHandler;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A transport with no broker, for micro-benchmarks: a send completes at once and keeps the message;
 * {@link #deliverLast()} hands it, with the headers the send carried, to the subscribed handler on
 * the calling thread. Measures what a decorator (tracing) adds and nothing else. One benchmark
 * thread uses it.
 */
final class LoopbackTransport implements Transport {
  private static final CompletableFuture<String> SENT = CompletableFuture.completedFuture("id-1");
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private @Nullable OutgoingMessage last;
  private @Nullable DeliveryHandler handler;

  @Override
  public String system() {
    return "in_memory";
  }

  @Override
  public CompletableFuture<String> send(OutgoingMessage message) {
    last = message;
    return SENT;
  }

  @Override
  public Subscription subscribe(String queue, ConsumerOptions options, DeliveryHandler handler) {
    this.handler = handler;
    return new Subscription() {
      @Override
      public String queue() {
        return queue;
      }

      @Override
      public boolean isRunning() {
        return true;
      }

      @Override
      public void close() {}
    };
  }

  /** Delivers the last message sent to the handler, and returns whether it was settled. */
  boolean deliverLast() {
    OutgoingMessage m = last;
    DeliveryHandler h = handler;
    if (m == null || h == null) {
      throw new IllegalStateException("send a message and subscribe first");
    }
    Delivery d = new Delivery(m.queue(), m.body(), m.headers());
    h.handle(d);
    return d.isSettled();
  }

  @Override
  public void close() {}

  private static final class Delivery extends AbstractDelivery {
    Delivery(String queue, byte[] body, Map<String, String> headers) {
      super(queue, "id-1", body, headers, 1, Instant.EPOCH);
    }

    @Override
    protected CompletableFuture<Void> doAck() {
      return DONE;
    }

    @Override
    protected CompletableFuture<Void> doRetryLater(Duration delay) {
      return DONE;
    }

    @Override
    protected CompletableFuture<Void> doDeadLetter(String reason) {
      return DONE;
    }

    @Override
    protected CompletableFuture<Void> doRelease() {
      return DONE;
    }

    @Override
    protected CompletableFuture<Void> doExtendLease(Duration duration) {
      return DONE;
    }
  }
}
