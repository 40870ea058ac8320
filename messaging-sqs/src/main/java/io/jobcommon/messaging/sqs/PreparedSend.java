package io.jobcommon.messaging.sqs;

import io.jobcommon.messaging.MessageTooLargeException;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.SendFailedException;
import io.jobcommon.messaging.sqs.QueueDirectory.QueueInfo;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeNameForSends;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * A message encoded and checked against the SQS limits, and the SendMessage request or
 * SendMessageBatch entry it becomes. Immutable.
 */
record PreparedSend(
    String queue,
    WireFormat.Encoded encoded,
    int delaySeconds,
    @Nullable String groupId,
    @Nullable String deduplicationId) {

  /**
   * {@code m} encoded and checked against the queue-independent limits.
   *
   * @throws io.jobcommon.messaging.MessagingException when it breaks one
   */
  static PreparedSend of(OutgoingMessage m) {
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
    return new PreparedSend(
        m.queue(),
        encoded,
        (int) seconds,
        m.groupId().orElse(null),
        m.deduplicationId().orElse(null));
  }

  /**
   * This message checked against what the queue itself requires (size, FIFO group and delay), with
   * a deduplication id where a FIFO queue needs one.
   *
   * @throws io.jobcommon.messaging.MessagingException when it breaks one
   */
  PreparedSend checkedFor(QueueInfo info) {
    if (encoded.size() > info.maxMessageSize()) {
      throw new MessageTooLargeException(queue, encoded.size(), info.maxMessageSize());
    }
    if (!info.fifo()) {
      return this;
    }
    if (groupId == null) {
      throw new SendFailedException(
          queue,
          "queue '"
              + queue
              + "' is a FIFO queue and needs a message group id; set one with"
              + " OutgoingMessage.Builder.setGroupId (messages of one group are delivered in"
              + " order)",
          null);
    }
    if (delaySeconds > 0) {
      throw new SendFailedException(
          queue,
          "queue '"
              + queue
              + "' is a FIFO queue, which does not take a per-message delay; send without a"
              + " delay or set DelaySeconds on the queue",
          null);
    }
    if (deduplicationId == null && !info.contentDeduplication()) {
      return new PreparedSend(queue, encoded, 0, groupId, UUID.randomUUID().toString());
    }
    return this;
  }

  SendMessageRequest request(QueueInfo info) {
    SendMessageRequest.Builder b =
        SendMessageRequest.builder()
            .queueUrl(info.url())
            .messageBody(encoded.body())
            .messageAttributes(encoded.attributes());
    if (encoded.traceHeader() != null) {
      b.messageSystemAttributes(
          Map.of(MessageSystemAttributeNameForSends.AWS_TRACE_HEADER, encoded.traceHeader()));
    }
    if (delaySeconds > 0) {
      b.delaySeconds(delaySeconds);
    }
    if (groupId != null) {
      b.messageGroupId(groupId);
    }
    if (deduplicationId != null) {
      b.messageDeduplicationId(deduplicationId);
    }
    return b.build();
  }

  SendMessageBatchRequestEntry entry(String id) {
    SendMessageBatchRequestEntry.Builder b =
        SendMessageBatchRequestEntry.builder()
            .id(id)
            .messageBody(encoded.body())
            .messageAttributes(encoded.attributes());
    if (encoded.traceHeader() != null) {
      b.messageSystemAttributes(
          Map.of(MessageSystemAttributeNameForSends.AWS_TRACE_HEADER, encoded.traceHeader()));
    }
    if (delaySeconds > 0) {
      b.delaySeconds(delaySeconds);
    }
    if (groupId != null) {
      b.messageGroupId(groupId);
    }
    if (deduplicationId != null) {
      b.messageDeduplicationId(deduplicationId);
    }
    return b.build();
  }
}
