package io.jobcommon.messaging.sqs;

import io.jobcommon.messaging.spi.Futures;
import io.jobcommon.messaging.spi.LogSafe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ListQueuesResponse;

/**
 * What a new transport does before its first message, so that the first one costs about what a
 * steady one does: the first call of a fresh AWS SDK client loads and initialises its request
 * pipeline (endpoint rules, signer, credentials, the HTTP connection pool), which took seconds, and
 * a queue's first send resolves its URL and attributes. So it resolves the queues it is told of,
 * or, when none, makes one cheap call (ListQueues for one queue). A failure never stops the
 * start-up: a sender may well work later; it is logged once, and the first real call tries again.
 * Stateless.
 */
final class WarmUp {
  private static final Logger log = LoggerFactory.getLogger(WarmUp.class);

  private WarmUp() {}

  /**
   * Warms up, waiting at most {@code timeout} (zero: does nothing).
   *
   * @param client the client to open connections on
   * @param queues the transport's queue directory, which keeps what is resolved
   * @param names the queues to resolve; none: one ListQueues call instead
   */
  static void run(
      SqsAsyncClient client, QueueDirectory queues, List<String> names, Duration timeout) {
    if (timeout.isZero()) {
      return;
    }
    long started = System.nanoTime();
    Map<String, CompletableFuture<?>> calls = new LinkedHashMap<>();
    if (names.isEmpty()) {
      // Refused (say, no sqs:ListQueues permission) is fine too: the connection is open.
      calls.put(
          "ListQueues",
          client.listQueues(b -> b.maxResults(1)).exceptionally(WarmUp::unlessRefused));
    }
    for (String name : names) {
      calls.put("queue '" + name + "'", queues.resolve(name));
    }
    long deadline = started + timeout.toNanos();
    List<String> failed = new ArrayList<>();
    for (Map.Entry<String, CompletableFuture<?>> call : calls.entrySet()) {
      String problem = outcome(call.getValue(), deadline - System.nanoTime());
      if (problem != null) {
        failed.add(call.getKey() + ": " + problem);
      }
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    if (failed.isEmpty()) {
      log.debug("SQS warm-up done in {} ms ({})", took.toMillis(), calls.keySet());
    } else {
      log.warn(
          "SQS warm-up incomplete after {} ms; starting anyway, the first calls will be slower and"
              + " will fail if SQS cannot be reached: {}",
          took.toMillis(),
          LogSafe.of(String.join("; ", failed), 2048));
    }
  }

  /** Null when {@code call} completed normally; else what went wrong. */
  private static @Nullable String outcome(CompletableFuture<?> call, long nanosLeft) {
    try {
      call.get(Math.max(0, nanosLeft), TimeUnit.NANOSECONDS);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } catch (TimeoutException e) {
      return "no answer in time (it goes on in the background)";
    } catch (ExecutionException e) {
      return String.valueOf(Futures.unwrap(e));
    }
  }

  private static @Nullable ListQueuesResponse unlessRefused(Throwable error) {
    if (Futures.unwrap(error) instanceof AwsServiceException) {
      return null;
    }
    throw new CompletionException(Futures.unwrap(error));
  }
}
