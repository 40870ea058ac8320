package io.jobcommon.messaging.sqs;

import io.jobcommon.messaging.DestinationNotFoundException;
import io.jobcommon.messaging.spi.DeadLetters;
import io.jobcommon.messaging.spi.Futures;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Queue names to URLs and the few queue attributes the transport needs, resolved once and cached.
 * With auto-create on, a missing queue is created together with its dead-letter queue and a
 * RedrivePolicy pointing at it. Thread-safe.
 */
final class QueueDirectory {
  private static final Logger log = LoggerFactory.getLogger(QueueDirectory.class);
  static final String FIFO_SUFFIX = ".fifo";

  /** What the transport knows of one queue. */
  record QueueInfo(
      String name, String url, boolean fifo, long maxMessageSize, boolean contentDeduplication) {}

  private final SqsAsyncClient client;
  private final boolean autoCreate;
  private final int maxReceiveCount;
  private final Map<String, CompletableFuture<QueueInfo>> cache = new ConcurrentHashMap<>();

  QueueDirectory(SqsAsyncClient client, boolean autoCreate, int maxReceiveCount) {
    this.client = client;
    this.autoCreate = autoCreate;
    this.maxReceiveCount = maxReceiveCount;
  }

  static boolean isFifo(String queue) {
    return queue.endsWith(FIFO_SUFFIX);
  }

  /** The queue's info; a failed lookup is not cached, so the next call tries again. */
  CompletableFuture<QueueInfo> resolve(String name) {
    CompletableFuture<QueueInfo> created = new CompletableFuture<>();
    CompletableFuture<QueueInfo> cached = cache.computeIfAbsent(name, k -> created);
    if (cached != created) {
      return cached;
    }
    lookup(name)
        .whenComplete(
            (info, error) -> {
              if (error != null) {
                cache.remove(name, created);
                created.completeExceptionally(Futures.unwrap(error));
              } else {
                created.complete(info);
              }
            });
    return created;
  }

  /** Forgets {@code name}, after the broker said its URL is no longer valid. */
  void invalidate(String name) {
    cache.remove(name);
  }

  private CompletableFuture<QueueInfo> lookup(String name) {
    return client
        .getQueueUrl(b -> b.queueName(name))
        .thenApply(r -> r.queueUrl())
        .exceptionallyCompose(
            error -> {
              if (!(Futures.unwrap(error) instanceof QueueDoesNotExistException)) {
                return CompletableFuture.failedFuture(Futures.unwrap(error));
              }
              if (!autoCreate) {
                return CompletableFuture.failedFuture(
                    new DestinationNotFoundException(
                        name,
                        "create it (with its dead-letter queue '"
                            + DeadLetters.queueName(name)
                            + "') in your infrastructure code, or turn on auto-create"
                            + " (SQS_AUTO_CREATE_QUEUES=true, for development)",
                        Futures.unwrap(error)));
              }
              return create(name);
            })
        .thenCompose(url -> describe(name, url));
  }

  private CompletableFuture<QueueInfo> describe(String name, String url) {
    return client
        .getQueueAttributes(
            b ->
                b.queueUrl(url)
                    .attributeNames(
                        QueueAttributeName.MAXIMUM_MESSAGE_SIZE,
                        QueueAttributeName.FIFO_QUEUE,
                        QueueAttributeName.CONTENT_BASED_DEDUPLICATION))
        .thenApply(
            r -> {
              Map<String, String> a = r.attributesAsStrings();
              long max = SqsLimits.MAX_MESSAGE_BYTES;
              String declared = a.get(QueueAttributeName.MAXIMUM_MESSAGE_SIZE.toString());
              if (declared != null) {
                try {
                  max = Math.min(max, Long.parseLong(declared));
                } catch (NumberFormatException e) {
                  log.debug("queue {} reports MaximumMessageSize '{}'", name, declared);
                }
              }
              boolean fifo =
                  Boolean.parseBoolean(a.getOrDefault("FifoQueue", Boolean.toString(isFifo(name))));
              boolean dedup = Boolean.parseBoolean(a.get("ContentBasedDeduplication"));
              return new QueueInfo(name, url, fifo, max, dedup);
            });
  }

  /**
   * Creates {@code name}: a dead-letter queue plainly, any other queue after its dead-letter queue
   * and with a RedrivePolicy to it, so a message no worker ever settles ends up there.
   */
  private CompletableFuture<String> create(String name) {
    Map<String, String> attributes = new HashMap<>();
    if (isFifo(name)) {
      attributes.put("FifoQueue", "true");
    }
    if (isDeadLetterQueue(name)) {
      return createQueue(name, attributes);
    }
    String dlq = DeadLetters.queueName(name);
    return resolve(dlq)
        .thenCompose(
            info ->
                client.getQueueAttributes(
                    b -> b.queueUrl(info.url()).attributeNames(QueueAttributeName.QUEUE_ARN)))
        .thenCompose(
            r -> {
              String arn = r.attributesAsStrings().get("QueueArn");
              attributes.put(
                  "RedrivePolicy",
                  "{\"deadLetterTargetArn\":\""
                      + arn
                      + "\",\"maxReceiveCount\":\""
                      + maxReceiveCount
                      + "\"}");
              return createQueue(name, attributes);
            });
  }

  private CompletableFuture<String> createQueue(String name, Map<String, String> attributes) {
    return client
        .createQueue(b -> b.queueName(name).attributesWithStrings(attributes))
        .thenApply(
            r -> {
              log.info("created SQS queue {} {}", name, attributes.keySet());
              return r.queueUrl();
            })
        // Another process may have created it first, with other attributes: use theirs.
        .exceptionallyCompose(
            error ->
                client
                    .getQueueUrl(b -> b.queueName(name))
                    .thenApply(r -> r.queueUrl())
                    .exceptionallyCompose(
                        again -> CompletableFuture.failedFuture(Futures.unwrap(error))));
  }

  static boolean isDeadLetterQueue(String name) {
    return name.endsWith("-dlq") || name.endsWith("-dlq" + FIFO_SUFFIX);
  }
}
