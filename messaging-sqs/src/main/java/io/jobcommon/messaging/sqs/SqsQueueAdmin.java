package io.jobcommon.messaging.sqs;

import io.jobcommon.messaging.DestinationNotFoundException;
import io.jobcommon.messaging.MessagingException;
import io.jobcommon.messaging.spi.Futures;
import io.jobcommon.messaging.spi.QueueAdmin;
import io.jobcommon.messaging.spi.QueueDepth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Queue listing (ListQueues) and approximate depth (GetQueueAttributes) on SQS. Never creates a
 * queue, whatever the auto-create setting. Thread-safe.
 */
final class SqsQueueAdmin implements QueueAdmin {
  private static final long TIMEOUT_SECONDS = 30;

  private final SqsAsyncClient client;

  SqsQueueAdmin(SqsAsyncClient client) {
    this.client = client;
  }

  @Override
  public Optional<List<String>> listQueues(String prefix) {
    List<String> names = new ArrayList<>();
    try {
      client
          .listQueuesPaginator(b -> b.queueNamePrefix(prefix.isEmpty() ? null : prefix))
          .queueUrls()
          .subscribe(url -> names.add(url.substring(url.lastIndexOf('/') + 1)))
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw failure("cannot list SQS queues", e);
    }
    names.sort(null);
    return Optional.of(List.copyOf(names));
  }

  @Override
  public QueueDepth depth(String queue) {
    try {
      String url =
          client
              .getQueueUrl(b -> b.queueName(queue))
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
              .queueUrl();
      Map<String, String> a =
          client
              .getQueueAttributes(
                  b ->
                      b.queueUrl(url)
                          .attributeNames(
                              QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                              QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                              QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
              .attributesAsStrings();
      return new QueueDepth(
          queue,
          count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
          count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE),
          count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED));
    } catch (Exception e) {
      if (Futures.unwrap(e)
          instanceof software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException) {
        throw new DestinationNotFoundException(queue, "no such SQS queue", e);
      }
      throw failure("cannot read the depth of SQS queue '" + queue + "'", e);
    }
  }

  private static long count(Map<String, String> attributes, QueueAttributeName name) {
    String v = attributes.get(name.toString());
    try {
      return v == null ? QueueDepth.UNKNOWN : Long.parseLong(v);
    } catch (NumberFormatException e) {
      return QueueDepth.UNKNOWN;
    }
  }

  private static MessagingException failure(String what, Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    return new MessagingException(what + ": " + Futures.unwrap(e), e);
  }
}
