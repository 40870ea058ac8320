package io.jobcommon.messaging.tracing;

import io.jobcommon.messaging.spi.AbstractDelivery;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** A delivery with no broker behind it, for handler-level tests; records how it was settled. */
final class StubDelivery extends AbstractDelivery {
  volatile String settledAs = "";

  private StubDelivery(String queue, Map<String, String> headers, byte[] body, int attempt) {
    super(queue, UUID.randomUUID().toString(), body, headers, attempt, Instant.now());
  }

  static StubDelivery of(String queue, Map<String, String> headers, byte[] body) {
    return new StubDelivery(queue, headers, body, 1);
  }

  private CompletableFuture<Void> done(String how) {
    settledAs = how;
    return CompletableFuture.completedFuture(null);
  }

  @Override
  protected CompletableFuture<Void> doAck() {
    return done("ack");
  }

  @Override
  protected CompletableFuture<Void> doRetryLater(Duration delay) {
    return done("retry");
  }

  @Override
  protected CompletableFuture<Void> doDeadLetter(String reason) {
    return done("dead_letter");
  }

  @Override
  protected CompletableFuture<Void> doRelease() {
    return done("release");
  }

  @Override
  protected CompletableFuture<Void> doExtendLease(Duration duration) {
    return CompletableFuture.completedFuture(null);
  }
}
