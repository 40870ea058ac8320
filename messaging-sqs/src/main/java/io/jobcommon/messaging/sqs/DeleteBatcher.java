package io.jobcommon.messaging.sqs;

import io.jobcommon.messaging.spi.Futures;
import io.jobcommon.messaging.spi.LogSafe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResultEntry;

/**
 * Acks of one queue, sent as DeleteMessageBatch calls: when 10 are waiting, after a short delay
 * from the first one, and on close. Each ack's future completes when SQS answered for its entry.
 * After close, acks go out at once. Thread-safe.
 */
final class DeleteBatcher {
  private record Pending(String receiptHandle, CompletableFuture<Void> done) {}

  private final SqsAsyncClient client;
  private final String queue;
  private final String url;
  private final ScheduledExecutorService scheduler;
  private final Duration delay;
  private final Object lock = new Object();
  private final Set<CompletableFuture<?>> calls = ConcurrentHashMap.newKeySet();
  private List<Pending> buffer = new ArrayList<>();
  private @Nullable ScheduledFuture<?> timer;
  private boolean closed;

  /**
   * @param delay how long the first waiting ack waits for others; zero sends each at once
   */
  DeleteBatcher(
      SqsAsyncClient client,
      String queue,
      String url,
      ScheduledExecutorService scheduler,
      Duration delay) {
    this.client = client;
    this.queue = queue;
    this.url = url;
    this.scheduler = scheduler;
    this.delay = delay;
  }

  CompletableFuture<Void> delete(String receiptHandle) {
    Pending p = new Pending(receiptHandle, new CompletableFuture<>());
    List<Pending> ready = null;
    synchronized (lock) {
      buffer.add(p);
      if (closed || delay.isZero() || buffer.size() >= SqsLimits.MAX_BATCH_ENTRIES) {
        ready = take();
      } else if (timer == null) {
        try {
          timer = scheduler.schedule(this::flush, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) { // the transport is closing: no timers any more
          ready = take();
        }
      }
    }
    if (ready != null) {
      send(ready);
    }
    return p.done();
  }

  /** Sends what is waiting now. */
  void flush() {
    List<Pending> ready;
    synchronized (lock) {
      ready = take();
    }
    send(ready);
  }

  /** Sends what is waiting; the future completes when every call made so far was answered. */
  CompletableFuture<Void> close() {
    List<Pending> ready;
    synchronized (lock) {
      closed = true;
      ready = take();
    }
    send(ready);
    return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
        .handle((ok, error) -> null);
  }

  private List<Pending> take() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    List<Pending> ready = buffer;
    buffer = new ArrayList<>();
    return ready;
  }

  private void send(List<Pending> ready) {
    for (int from = 0; from < ready.size(); from += SqsLimits.MAX_BATCH_ENTRIES) {
      List<Pending> chunk =
          ready.subList(from, Math.min(ready.size(), from + SqsLimits.MAX_BATCH_ENTRIES));
      List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(chunk.size());
      for (int i = 0; i < chunk.size(); i++) {
        entries.add(
            DeleteMessageBatchRequestEntry.builder()
                .id(Integer.toString(i))
                .receiptHandle(chunk.get(i).receiptHandle())
                .build());
      }
      CompletableFuture<Void> call =
          client
              .deleteMessageBatch(b -> b.queueUrl(url).entries(entries))
              .handle(
                  (r, error) -> {
                    if (error != null) {
                      Throwable cause = Futures.unwrap(error);
                      chunk.forEach(p -> p.done().completeExceptionally(cause));
                      return null;
                    }
                    for (DeleteMessageBatchResultEntry ok : r.successful()) {
                      chunk.get(Integer.parseInt(ok.id())).done().complete(null);
                    }
                    for (BatchResultErrorEntry bad : r.failed()) {
                      chunk
                          .get(Integer.parseInt(bad.id()))
                          .done()
                          .completeExceptionally(
                              new IllegalStateException(
                                  "SQS refused to delete a message of queue '"
                                      + queue
                                      + "': "
                                      + LogSafe.of(bad.code())
                                      + " "
                                      + LogSafe.of(bad.message())));
                    }
                    chunk.forEach(
                        p ->
                            p.done()
                                .completeExceptionally(
                                    new IllegalStateException(
                                        "SQS returned no result for a delete on queue '"
                                            + queue
                                            + "'")));
                    return null;
                  });
      calls.add(call);
      call.whenComplete((ok, error) -> calls.remove(call));
    }
  }
}
