package io.jobcommon.messaging.sqs;

import io.jobcommon.messaging.BatchSendException;
import io.jobcommon.messaging.DestinationNotFoundException;
import io.jobcommon.messaging.MessageTooLargeException;
import io.jobcommon.messaging.MessagingException;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.SendFailedException;
import io.jobcommon.messaging.SendOutcomeUnknownException;
import io.jobcommon.messaging.spi.Futures;
import io.jobcommon.messaging.spi.LogSafe;
import io.jobcommon.messaging.sqs.QueueDirectory.QueueInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeNameForSends;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * SendMessage and SendMessageBatch: checks every message against the SQS limits before any call,
 * splits batches by count and size, and accounts for every entry of a batch. Thread-safe.
 */
final class SqsSender {
  private final SqsAsyncClient client;
  private final QueueDirectory queues;
  private volatile boolean lastCallFailed;

  SqsSender(SqsAsyncClient client, QueueDirectory queues) {
    this.client = client;
    this.queues = queues;
  }

  /** Whether the last call to SQS failed for a reason other than the message itself. */
  boolean lastCallFailed() {
    return lastCallFailed;
  }

  /** A message encoded and checked against the queue-independent limits. */
  record Prepared(
      String queue,
      WireFormat.Encoded encoded,
      int delaySeconds,
      @Nullable String groupId,
      @Nullable String deduplicationId) {}

  static Prepared prepare(OutgoingMessage m) {
    long millis = m.delay().toMillis();
    long seconds = (millis + 999) / 1000; // rounded up: never delivered earlier than asked
    if (seconds > SqsLimits.MAX_DELAY.toSeconds()) {
      throw new SendFailedException(
          m.queue(),
          "delay of "
              + m.delay()
              + " for a message to queue '"
              + m.queue()
              + "' is over the SQS maximum of 15 minutes; schedule the message later (for example"
              + " with EventBridge Scheduler) or keep the delay within 15 minutes",
          null);
    }
    WireFormat.Encoded encoded = WireFormat.encode(m.queue(), m.body(), m.headers());
    return new Prepared(
        m.queue(),
        encoded,
        (int) seconds,
        m.groupId().orElse(null),
        m.deduplicationId().orElse(null));
  }

  /** Checks {@code p} against what the queue itself requires. */
  static Prepared check(Prepared p, QueueInfo info) {
    if (p.encoded().size() > info.maxMessageSize()) {
      throw new MessageTooLargeException(p.queue(), p.encoded().size(), info.maxMessageSize());
    }
    if (!info.fifo()) {
      return p;
    }
    if (p.groupId() == null) {
      throw new SendFailedException(
          p.queue(),
          "queue '"
              + p.queue()
              + "' is a FIFO queue and needs a message group id; set one with"
              + " OutgoingMessage.Builder.setGroupId (messages of one group are delivered in"
              + " order)",
          null);
    }
    if (p.delaySeconds() > 0) {
      throw new SendFailedException(
          p.queue(),
          "queue '"
              + p.queue()
              + "' is a FIFO queue, which does not take a per-message delay; send without a"
              + " delay or set DelaySeconds on the queue",
          null);
    }
    if (p.deduplicationId() == null && !info.contentDeduplication()) {
      return new Prepared(p.queue(), p.encoded(), 0, p.groupId(), UUID.randomUUID().toString());
    }
    return p;
  }

  CompletableFuture<String> send(OutgoingMessage m) {
    Prepared p;
    try {
      p = prepare(m);
    } catch (MessagingException e) {
      return CompletableFuture.failedFuture(e);
    }
    return send(p);
  }

  CompletableFuture<String> send(Prepared prepared) {
    String queue = prepared.queue();
    CompletableFuture<String> f =
        queues
            .resolve(queue)
            .thenCompose(
                info -> {
                  Prepared p = check(prepared, info);
                  return client.sendMessage(request(info, p));
                })
            .thenApply(r -> r.messageId());
    return mapErrors(queue, f);
  }

  /**
   * Sends a dead-lettered copy: {@code body} and {@code headers} as received, plus the {@code
   * deadLetter} headers, packed into one attribute if the budget needs it. On a FIFO dead-letter
   * queue the copy keeps its group and is deduplicated by the original message id.
   */
  CompletableFuture<String> sendDeadLetter(
      String dlq,
      byte[] body,
      Map<String, String> headers,
      Map<String, String> deadLetter,
      @Nullable String groupId,
      String originalMessageId) {
    WireFormat.Encoded encoded;
    try {
      encoded = WireFormat.encode(dlq, body, headers, deadLetter);
    } catch (MessagingException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<String> f =
        queues
            .resolve(dlq)
            .thenCompose(
                info -> {
                  Prepared p =
                      info.fifo()
                          ? new Prepared(
                              dlq,
                              encoded,
                              0,
                              groupId == null ? "dead-letter" : groupId,
                              originalMessageId)
                          : new Prepared(dlq, encoded, 0, null, null);
                  return client.sendMessage(request(info, check(p, info)));
                })
            .thenApply(r -> r.messageId());
    return mapErrors(dlq, f);
  }

  /** Sends several messages, to one queue or several; see {@code Transport.sendBatch}. */
  CompletableFuture<List<String>> sendBatch(List<OutgoingMessage> messages) {
    if (messages.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    Map<Integer, String> sent = new ConcurrentHashMap<>();
    Map<Integer, Throwable> failed = new ConcurrentHashMap<>();
    Map<String, List<Integer>> byQueue = new LinkedHashMap<>();
    for (int i = 0; i < messages.size(); i++) {
      byQueue.computeIfAbsent(messages.get(i).queue(), q -> new ArrayList<>()).add(i);
    }
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    byQueue.forEach(
        (queue, indexes) -> parts.add(sendGroup(queue, indexes, messages, sent, failed)));
    CompletableFuture<List<String>> result = new CompletableFuture<>();
    CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
        .whenComplete(
            (ignored, error) -> {
              if (error != null) { // a bug: every part accounts for its entries and never fails
                result.completeExceptionally(Futures.unwrap(error));
              } else if (!failed.isEmpty()) {
                result.completeExceptionally(
                    new BatchSendException(messages.get(0).queue(), messages.size(), sent, failed));
              } else {
                List<String> ids = new ArrayList<>(messages.size());
                for (int i = 0; i < messages.size(); i++) {
                  ids.add(sent.get(i));
                }
                result.complete(ids);
              }
            });
    return result;
  }

  private CompletableFuture<Void> sendGroup(
      String queue,
      List<Integer> indexes,
      List<OutgoingMessage> messages,
      Map<Integer, String> sent,
      Map<Integer, Throwable> failed) {
    Map<Integer, Prepared> prepared = new LinkedHashMap<>();
    for (int i : indexes) {
      try {
        prepared.put(i, prepare(messages.get(i)));
      } catch (MessagingException e) {
        failed.put(i, e);
      }
    }
    if (prepared.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return queues
        .resolve(queue)
        .handle(
            (info, error) -> {
              if (error != null) {
                Throwable cause = failure(queue, error);
                prepared.keySet().forEach(i -> failed.put(i, cause));
                return CompletableFuture.<Void>completedFuture(null);
              }
              List<Integer> valid = new ArrayList<>();
              List<Prepared> checked = new ArrayList<>();
              prepared.forEach(
                  (i, p) -> {
                    try {
                      checked.add(check(p, info));
                      valid.add(i);
                    } catch (MessagingException e) {
                      failed.put(i, e);
                    }
                  });
              List<Long> sizes = new ArrayList<>();
              checked.forEach(p -> sizes.add(p.encoded().size()));
              List<CompletableFuture<Void>> calls = new ArrayList<>();
              // FIFO: one call after the other, or a later call could overtake an earlier one and
              // break the order within a message group.
              CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);
              for (List<Integer> chunk : BatchPlanner.plan(sizes)) {
                List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                List<Integer> ids = new ArrayList<>();
                for (int k : chunk) {
                  ids.add(valid.get(k));
                  entries.add(entry(Integer.toString(valid.get(k)), checked.get(k)));
                }
                if (info.fifo()) {
                  previous = previous.thenCompose(v -> sendChunk(info, entries, ids, sent, failed));
                } else {
                  calls.add(sendChunk(info, entries, ids, sent, failed));
                }
              }
              calls.add(previous);
              return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]));
            })
        .thenCompose(Function.identity());
  }

  private CompletableFuture<Void> sendChunk(
      QueueInfo info,
      List<SendMessageBatchRequestEntry> entries,
      List<Integer> ids,
      Map<Integer, String> sent,
      Map<Integer, Throwable> failed) {
    String queue = info.name();
    return client
        .sendMessageBatch(b -> b.queueUrl(info.url()).entries(entries))
        .handle(
            (r, error) -> {
              if (error != null) {
                Throwable cause = failure(queue, error);
                ids.forEach(i -> failed.put(i, cause));
                return null;
              }
              lastCallFailed = false;
              for (SendMessageBatchResultEntry ok : r.successful()) {
                sent.put(Integer.parseInt(ok.id()), ok.messageId());
              }
              for (BatchResultErrorEntry bad : r.failed()) {
                failed.put(
                    Integer.parseInt(bad.id()),
                    new SendFailedException(
                        queue,
                        "SQS refused the message to queue '"
                            + queue
                            + "': "
                            + LogSafe.of(bad.code())
                            + " "
                            + LogSafe.of(bad.message())
                            + (Boolean.TRUE.equals(bad.senderFault())
                                ? " (the message itself is at fault; fix it before sending again)"
                                : " (a service-side failure; send it again)"),
                        null));
              }
              for (int i : ids) {
                if (!sent.containsKey(i) && !failed.containsKey(i)) {
                  failed.put(
                      i,
                      new SendOutcomeUnknownException(
                          queue,
                          "SQS returned no result for a message to queue '"
                              + queue
                              + "'; it may have been stored: resend with the same deduplication"
                              + " id (FIFO queues) or make the consumer idempotent",
                          null));
                }
              }
              return null;
            });
  }

  private static SendMessageRequest request(QueueInfo info, Prepared p) {
    SendMessageRequest.Builder b =
        SendMessageRequest.builder()
            .queueUrl(info.url())
            .messageBody(p.encoded().body())
            .messageAttributes(p.encoded().attributes());
    if (p.encoded().traceHeader() != null) {
      b.messageSystemAttributes(
          Map.of(MessageSystemAttributeNameForSends.AWS_TRACE_HEADER, p.encoded().traceHeader()));
    }
    if (p.delaySeconds() > 0) {
      b.delaySeconds(p.delaySeconds());
    }
    if (p.groupId() != null) {
      b.messageGroupId(p.groupId());
    }
    if (p.deduplicationId() != null) {
      b.messageDeduplicationId(p.deduplicationId());
    }
    return b.build();
  }

  private static SendMessageBatchRequestEntry entry(String id, Prepared p) {
    SendMessageBatchRequestEntry.Builder b =
        SendMessageBatchRequestEntry.builder()
            .id(id)
            .messageBody(p.encoded().body())
            .messageAttributes(p.encoded().attributes());
    if (p.encoded().traceHeader() != null) {
      b.messageSystemAttributes(
          Map.of(MessageSystemAttributeNameForSends.AWS_TRACE_HEADER, p.encoded().traceHeader()));
    }
    if (p.delaySeconds() > 0) {
      b.delaySeconds(p.delaySeconds());
    }
    if (p.groupId() != null) {
      b.messageGroupId(p.groupId());
    }
    if (p.deduplicationId() != null) {
      b.messageDeduplicationId(p.deduplicationId());
    }
    return b.build();
  }

  private <T> CompletableFuture<T> mapErrors(String queue, CompletableFuture<T> f) {
    CompletableFuture<T> out = new CompletableFuture<>();
    f.whenComplete(
        (v, error) -> {
          if (error == null) {
            lastCallFailed = false;
            out.complete(v);
          } else {
            out.completeExceptionally(failure(queue, error));
          }
        });
    return out;
  }

  /** {@code error} as the {@link MessagingException} the caller gets. */
  Throwable failure(String queue, Throwable error) {
    Throwable e = Futures.unwrap(error);
    if (e instanceof MessagingException) {
      return e;
    }
    if (e instanceof QueueDoesNotExistException) {
      queues.invalidate(queue);
      return new DestinationNotFoundException(
          queue, "it may have been deleted; create it again, then send again", e);
    }
    lastCallFailed = true;
    String what = LogSafe.of(e.getMessage(), 512);
    if (SendOutcome.mayHaveBeenStored(e)) {
      return new SendOutcomeUnknownException(
          queue,
          "sending to queue '"
              + queue
              + "' did not complete: "
              + what
              + "; the request may have reached SQS, so the message may have been stored. Sending"
              + " it again may deliver it twice: resend with the same deduplication id (FIFO"
              + " queues) or make the consumer idempotent",
          e);
    }
    return new SendFailedException(
        queue,
        "sending to queue '"
            + queue
            + "' failed: "
            + what
            + "; the request never reached SQS or SQS refused it, so the message was not sent;"
            + " send it again",
        e);
  }
}
