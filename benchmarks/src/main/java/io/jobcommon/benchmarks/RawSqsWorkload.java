package io.jobcommon.benchmarks;

import io.jobcommon.messaging.spi.Callbacks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Hand-written {@link SqsAsyncClient} code doing the SDK's work: SendMessageBatch of {@code
 * batchSize} entries, and per consumer one poller loop (receive up to 10, long poll; hand each body
 * to the handler; one DeleteMessageBatch for what it received, not waited for before the next
 * receive).
 */
final class RawSqsWorkload implements Workload {
  private final BenchOptions options;
  private final SqsAsyncClient client;
  private final String queueUrl;
  private final List<Thread> pollers = new ArrayList<>();
  private final Set<CompletableFuture<?>> deletes = ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;

  RawSqsWorkload(BenchOptions options, String queue, SqsBroker broker) {
    this.options = options;
    this.client = broker.client();
    this.queueUrl = client.createQueue(b -> b.queueName(queue)).join().queueUrl();
  }

  @Override
  public void startConsumers(Consumer<byte[]> onMessage, Consumer<Throwable> onFailure) {
    for (int i = 0; i < options.consumers(); i++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  poll(onMessage);
                } catch (RuntimeException e) {
                  onFailure.accept(e);
                }
              },
              "bench-raw-sqs-poller-" + i);
      t.setDaemon(true);
      pollers.add(t);
      t.start();
    }
  }

  @SuppressWarnings("CollectionUndefinedEquality") // deletes: identity is the equality wanted
  private void poll(Consumer<byte[]> onMessage) {
    while (!stopping) {
      List<Message> messages =
          client
              .receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
              .join()
              .messages();
      if (messages.isEmpty()) {
        continue;
      }
      List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(messages.size());
      for (Message m : messages) {
        onMessage.accept(m.body().getBytes(StandardCharsets.UTF_8));
        entries.add(
            DeleteMessageBatchRequestEntry.builder()
                .id(String.valueOf(entries.size()))
                .receiptHandle(m.receiptHandle())
                .build());
      }
      CompletableFuture<?> delete =
          client.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
      deletes.add(delete);
      Callbacks.whenDone(delete, (r, e) -> deletes.remove(delete));
    }
  }

  @Override
  public Producer producer() {
    return new BatchProducer();
  }

  @Override
  public void close() throws IOException {
    stopping = true;
    try {
      for (Thread t : pollers) {
        t.join(TimeUnit.SECONDS.toMillis(5));
      }
      CompletableFuture.allOf(deletes.toArray(new CompletableFuture<?>[0]))
          .get(30, TimeUnit.SECONDS);
      client.deleteQueue(b -> b.queueUrl(queueUrl)).join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IOException("deleting the queue " + queueUrl + " failed: " + e, e);
    } finally {
      client.close();
    }
  }

  /** Buffers {@code batchSize} bodies, then sends them in one SendMessageBatch call. */
  private final class BatchProducer implements Producer {
    private List<SendMessageBatchRequestEntry> buffer = new ArrayList<>(10);

    @Override
    public void send(byte[] body, SendCallback done) {
      buffer.add(
          SendMessageBatchRequestEntry.builder()
              .id(String.valueOf(buffer.size()))
              .messageBody(new String(body, StandardCharsets.UTF_8))
              .build());
      if (buffer.size() == options.batchSize()) {
        flush(done);
      }
    }

    @Override
    public void flush(SendCallback done) {
      if (buffer.isEmpty()) {
        return;
      }
      List<SendMessageBatchRequestEntry> batch = buffer;
      buffer = new ArrayList<>(10);
      Callbacks.whenDone(
          client.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(batch)),
          (r, error) -> report(batch.size(), r, error, done));
    }

    private void report(
        int size, SendMessageBatchResponse response, Throwable error, SendCallback done) {
      if (error != null) {
        done.done(size, error);
        return;
      }
      int failed = response.failed().size();
      if (failed > 0) {
        done.done(failed, new IOException(failed + " batch entries failed: " + response.failed()));
      }
      if (size > failed) {
        done.done(size - failed, null);
      }
    }
  }
}
