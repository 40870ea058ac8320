package io.jobcommon.messaging.sqs;

import io.jobcommon.messaging.spi.Callbacks;
import io.jobcommon.messaging.spi.DeadLetters;
import io.jobcommon.messaging.spi.LogSafe;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQS calls that settle one queue's deliveries: DeleteMessage (batched),
 * ChangeMessageVisibility and the send to the dead-letter queue. Keeps the visibility changes and
 * dead-letter sends still out, so that closing can wait for them before the client goes: an
 * interrupted handler's retry is issued just before the close. Thread-safe.
 */
final class SqsSettlements {
  private static final Logger log = LoggerFactory.getLogger(SqsSettlements.class);

  private final String queue;
  private final String url;
  private final SqsResources res;
  private final DeleteBatcher deleter;
  private final Set<CompletableFuture<?>> out = ConcurrentHashMap.newKeySet();

  SqsSettlements(String queue, String url, SqsResources res, DeleteBatcher deleter) {
    this.queue = queue;
    this.url = url;
    this.res = res;
    this.deleter = deleter;
  }

  CompletableFuture<Void> delete(SqsDelivery d) {
    return deleter.delete(d.receiptHandle());
  }

  CompletableFuture<Void> changeVisibility(SqsDelivery d, Duration delay) {
    long wanted = (delay.toMillis() + 999) / 1000; // rounded up: never earlier than asked
    long left =
        Duration.between(res.clock().instant(), d.receivedAt().plus(SqsLimits.MAX_VISIBILITY))
            .toSeconds();
    long seconds = Math.max(0, Math.min(wanted, left));
    if (seconds < wanted) {
      log.warn(
          "message {} of queue {}: visibility of {} s asked, but SQS allows only {} s more (12 h"
              + " from receipt); it will come back sooner",
          LogSafe.of(d.messageId()),
          queue,
          wanted,
          seconds);
    }
    return tracked(
        res.client()
            .changeMessageVisibility(
                b ->
                    b.queueUrl(url)
                        .receiptHandle(d.receiptHandle())
                        .visibilityTimeout((int) seconds))
            .thenApply(r -> null));
  }

  CompletableFuture<Void> deadLetter(SqsDelivery d, byte[] body, String reason) {
    Map<String, String> jc = new LinkedHashMap<>();
    DeadLetters.headers(Map.of(), queue, d.attempt(), reason, res.clock().instant())
        .forEach(jc::put);
    return tracked(
        res.sender()
            .sendDeadLetter(
                DeadLetters.queueName(queue), body, d.headers(), jc, d.groupId(), d.messageId())
            .thenCompose(id -> delete(d)));
  }

  /** Completes when the visibility changes and dead-letter sends out now are answered. */
  CompletableFuture<Void> inFlight() {
    return CompletableFuture.allOf(out.toArray(new CompletableFuture<?>[0]))
        .handle((ok, error) -> null);
  }

  @SuppressWarnings("CollectionUndefinedEquality") // out: identity is the equality wanted
  private <T> CompletableFuture<T> tracked(CompletableFuture<T> call) {
    out.add(call);
    Callbacks.whenDone(call, (ok, error) -> out.remove(call));
    return call;
  }
}
