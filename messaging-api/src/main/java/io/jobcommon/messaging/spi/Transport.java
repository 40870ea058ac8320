package io.jobcommon.messaging.spi;

import io.jobcommon.messaging.BatchSendException;
import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A broker, seen through the few verbs the SDK needs: send, batch send, subscribe. Users normally
 * meet a transport only when they build one (SQS, RabbitMQ, in-memory) and hand it to a {@code
 * MessageClient}, a {@code Dispatcher} or the job runtime; decorators (tracing) wrap one transport
 * in another.
 *
 * <p>Implementations are thread-safe. Every method returns non-null values. Futures complete
 * exceptionally with a {@link io.jobcommon.messaging.MessagingException} subclass, never throw.
 */
public interface Transport extends AutoCloseable {

  /**
   * The OpenTelemetry semantic-convention name of the broker: {@code aws_sqs}, {@code rabbitmq}, or
   * another lowercase name for other transports.
   */
  String system();

  /**
   * Sends one encoded message ({@link OutgoingMessage#isEncoded()}). The future completes with the
   * broker's message id once the broker has the message (SQS response, RabbitMQ publisher confirm),
   * or exceptionally when it does not.
   */
  CompletableFuture<String> send(OutgoingMessage message);

  /**
   * Sends several encoded messages, possibly to several queues. Completes with the message ids in
   * the order of {@code messages}, or with a {@link BatchSendException} that accounts for every
   * entry. The default sends them one by one, concurrently.
   */
  default CompletableFuture<List<String>> sendBatch(List<OutgoingMessage> messages) {
    List<CompletableFuture<String>> sends = new ArrayList<>(messages.size());
    for (OutgoingMessage m : messages) {
      CompletableFuture<String> f;
      try {
        f = send(m);
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      sends.add(f);
    }
    return CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0]))
        .handle(
            (ignored, error) -> {
              List<String> ids = new ArrayList<>(sends.size());
              Map<Integer, String> sent = new HashMap<>();
              Map<Integer, Throwable> failed = new HashMap<>();
              for (int i = 0; i < sends.size(); i++) {
                CompletableFuture<String> f = sends.get(i);
                try {
                  String id = f.join();
                  ids.add(id);
                  sent.put(i, id);
                } catch (CompletionException | java.util.concurrent.CancellationException e) {
                  failed.put(i, Futures.unwrap(e));
                }
              }
              if (!failed.isEmpty()) {
                throw new BatchSendException(
                    messages.get(0).queue(), messages.size(), sent, failed);
              }
              return ids;
            });
  }

  /**
   * Starts consuming {@code queue}. The transport calls {@code handler} on threads of its own, at
   * most {@link ConsumerOptions#concurrency()} at a time, and holds at most {@link
   * ConsumerOptions#concurrency()} + {@link ConsumerOptions#prefetch()} deliveries that are not
   * settled yet. Use a {@link HandlerPool} to run the handler.
   */
  Subscription subscribe(String queue, ConsumerOptions options, DeliveryHandler handler);

  /**
   * Whether the transport can talk to its broker now (connection open, last calls succeeded).
   * Health endpoints report it; the default says yes.
   */
  default boolean isHealthy() {
    return true;
  }

  /**
   * Queue listing and depth for operations tools and gauges, where the transport offers them; empty
   * by default. Decorators need not forward it: tools ask the broker's own transport.
   */
  default Optional<QueueAdmin> queueAdmin() {
    return Optional.empty();
  }

  /**
   * Closes every subscription still open (gracefully, as {@link Subscription#close()}), flushes
   * pending settlements and releases connections. Sends after close fail with {@link
   * io.jobcommon.messaging.ClientClosedException}. Idempotent.
   */
  @Override
  void close();
}
