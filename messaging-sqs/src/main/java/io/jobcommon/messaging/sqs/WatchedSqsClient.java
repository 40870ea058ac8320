package io.jobcommon.messaging.sqs;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityResponse;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.CreateQueueResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlResponse;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.SetQueueAttributesResponse;

/**
 * The SQS client the transport calls through: every call it makes is watched by a {@link
 * StallWatchdog}. Only the operations the transport uses are passed on (the others are the
 * interface's defaults and unsupported); the request-builder overloads reach these through the
 * interface's defaults. Closing it does not close the wrapped client: the transport decides that.
 * Thread-safe.
 */
final class WatchedSqsClient implements SqsAsyncClient {
  private final SqsAsyncClient delegate;
  private final StallWatchdog watchdog;

  WatchedSqsClient(SqsAsyncClient delegate, StallWatchdog watchdog) {
    this.delegate = delegate;
    this.watchdog = watchdog;
  }

  @Override
  public String serviceName() {
    return delegate.serviceName();
  }

  @Override
  public void close() {}

  @Override
  public CompletableFuture<ReceiveMessageResponse> receiveMessage(ReceiveMessageRequest r) {
    return watchdog.watch(
        "ReceiveMessage",
        Duration.ofSeconds(r.waitTimeSeconds() == null ? 0 : r.waitTimeSeconds()),
        () -> delegate.receiveMessage(r));
  }

  @Override
  public CompletableFuture<SendMessageResponse> sendMessage(SendMessageRequest r) {
    return watchdog.watch("SendMessage", Duration.ZERO, () -> delegate.sendMessage(r));
  }

  @Override
  public CompletableFuture<SendMessageBatchResponse> sendMessageBatch(SendMessageBatchRequest r) {
    return watchdog.watch("SendMessageBatch", Duration.ZERO, () -> delegate.sendMessageBatch(r));
  }

  @Override
  public CompletableFuture<DeleteMessageResponse> deleteMessage(DeleteMessageRequest r) {
    return watchdog.watch("DeleteMessage", Duration.ZERO, () -> delegate.deleteMessage(r));
  }

  @Override
  public CompletableFuture<DeleteMessageBatchResponse> deleteMessageBatch(
      DeleteMessageBatchRequest r) {
    return watchdog.watch(
        "DeleteMessageBatch", Duration.ZERO, () -> delegate.deleteMessageBatch(r));
  }

  @Override
  public CompletableFuture<ChangeMessageVisibilityResponse> changeMessageVisibility(
      ChangeMessageVisibilityRequest r) {
    return watchdog.watch(
        "ChangeMessageVisibility", Duration.ZERO, () -> delegate.changeMessageVisibility(r));
  }

  @Override
  public CompletableFuture<ChangeMessageVisibilityBatchResponse> changeMessageVisibilityBatch(
      ChangeMessageVisibilityBatchRequest r) {
    return watchdog.watch(
        "ChangeMessageVisibilityBatch",
        Duration.ZERO,
        () -> delegate.changeMessageVisibilityBatch(r));
  }

  @Override
  public CompletableFuture<GetQueueUrlResponse> getQueueUrl(GetQueueUrlRequest r) {
    return watchdog.watch("GetQueueUrl", Duration.ZERO, () -> delegate.getQueueUrl(r));
  }

  @Override
  public CompletableFuture<CreateQueueResponse> createQueue(CreateQueueRequest r) {
    return watchdog.watch("CreateQueue", Duration.ZERO, () -> delegate.createQueue(r));
  }

  @Override
  public CompletableFuture<GetQueueAttributesResponse> getQueueAttributes(
      GetQueueAttributesRequest r) {
    return watchdog.watch(
        "GetQueueAttributes", Duration.ZERO, () -> delegate.getQueueAttributes(r));
  }

  @Override
  public CompletableFuture<SetQueueAttributesResponse> setQueueAttributes(
      SetQueueAttributesRequest r) {
    return watchdog.watch(
        "SetQueueAttributes", Duration.ZERO, () -> delegate.setQueueAttributes(r));
  }
}
