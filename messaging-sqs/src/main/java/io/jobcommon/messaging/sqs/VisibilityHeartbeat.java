package io.jobcommon.messaging.sqs;

import io.jobcommon.messaging.spi.Futures;
import io.jobcommon.messaging.spi.LogSafe;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResultEntry;

/**
 * Keeps every unsettled delivery of one queue invisible while it waits or runs: every quarter lease
 * it extends, by one lease, each delivery with half a lease or less left, in
 * ChangeMessageVisibilityBatch calls of 10. It reads the {@link QueueSettler}'s set of unsettled
 * deliveries, so a settled one drops out with no call here; one whose 12 h from receipt are up, or
 * that SQS refuses to extend, is no longer beaten. Thread-safe.
 */
final class VisibilityHeartbeat {
  private static final Logger log = LoggerFactory.getLogger(VisibilityHeartbeat.class);

  private final SqsAsyncClient client;
  private final String queue;
  private final String url;
  private final Clock clock;
  private final Duration lease;
  private final Set<SqsDelivery> unsettled;
  private final ScheduledFuture<?> task;
  private volatile boolean failing;

  /**
   * @param unsettled the deliveries to keep invisible, owned by the caller (read here only)
   */
  VisibilityHeartbeat(
      SqsAsyncClient client,
      String queue,
      String url,
      Duration lease,
      Set<SqsDelivery> unsettled,
      ScheduledExecutorService scheduler,
      Clock clock) {
    this.client = client;
    this.queue = queue;
    this.url = url;
    this.clock = clock;
    this.unsettled = unsettled;
    this.lease = Duration.ofSeconds(QueueSettler.leaseSeconds(lease));
    long period = Math.max(100, this.lease.toMillis() / 4);
    this.task = scheduler.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
  }

  /** Stops extending; deliveries still unsettled become visible when their lease runs out. */
  void stop() {
    task.cancel(false);
  }

  private void tick() {
    try {
      extendDue();
    } catch (RuntimeException e) { // the scheduler would silently drop a task that throws
      log.warn(
          "visibility heartbeat of queue {} failed; retrying at the next beat: {}",
          queue,
          LogSafe.of(e, 1024));
    }
  }

  private void extendDue() {
    Instant now = clock.instant();
    Duration threshold = lease.dividedBy(2);
    List<SqsDelivery> due = new ArrayList<>();
    List<Integer> seconds = new ArrayList<>();
    List<CompletableFuture<Void>> beats = new ArrayList<>();
    for (SqsDelivery d : unsettled) {
      if (d.heartbeatEnded() || Duration.between(now, d.visibleUntil()).compareTo(threshold) > 0) {
        continue;
      }
      int left = QueueSettler.visibilitySeconds(lease, d.receivedAt(), now);
      if (left <= 0) {
        d.endHeartbeat();
        log.warn(
            "message {} of queue {} has been unsettled for 12 h, the SQS limit; it becomes visible"
                + " again and will be redelivered",
            LogSafe.of(d.messageId()),
            queue);
        continue;
      }
      CompletableFuture<Void> beat = d.beginHeartbeat();
      if (beat == null) {
        continue;
      }
      due.add(d);
      seconds.add(left);
      beats.add(beat);
    }
    for (int from = 0; from < due.size(); from += SqsLimits.MAX_BATCH_ENTRIES) {
      int to = Math.min(due.size(), from + SqsLimits.MAX_BATCH_ENTRIES);
      extend(now, due.subList(from, to), seconds.subList(from, to), beats.subList(from, to));
    }
  }

  private void extend(
      Instant sentAt,
      List<SqsDelivery> batch,
      List<Integer> seconds,
      List<CompletableFuture<Void>> beats) {
    List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      entries.add(
          ChangeMessageVisibilityBatchRequestEntry.builder()
              .id(Integer.toString(i))
              .receiptHandle(batch.get(i).receiptHandle())
              .visibilityTimeout(seconds.get(i))
              .build());
    }
    client
        .changeMessageVisibilityBatch(b -> b.queueUrl(url).entries(entries))
        .whenComplete(
            (r, error) -> {
              try {
                if (error != null) {
                  if (!failing) {
                    failing = true;
                    log.warn(
                        "extending the visibility of {} message(s) of queue {} failed: {}; trying"
                            + " again at the next beat (logged once until it works again)",
                        batch.size(),
                        queue,
                        LogSafe.of(Futures.unwrap(error), 1024));
                  }
                  return;
                }
                if (failing) {
                  failing = false;
                  log.info("visibility heartbeat of queue {} works again", queue);
                }
                for (ChangeMessageVisibilityBatchResultEntry ok : r.successful()) {
                  int i = Integer.parseInt(ok.id());
                  batch.get(i).extendedUntil(sentAt.plusSeconds(seconds.get(i)));
                }
                for (BatchResultErrorEntry bad : r.failed()) {
                  SqsDelivery d = batch.get(Integer.parseInt(bad.id()));
                  d.endHeartbeat();
                  // Usually the message was settled meanwhile and the handle is gone.
                  if (!d.isSettled()) {
                    log.warn(
                        "SQS refused to extend the visibility of message {} of queue {}: {} {}; it"
                            + " will be redelivered when its lease runs out",
                        LogSafe.of(d.messageId()),
                        queue,
                        LogSafe.of(bad.code()),
                        LogSafe.of(bad.message()));
                  }
                }
              } finally {
                beats.forEach(b -> b.complete(null));
              }
            });
  }
}
