package io.jobcommon.benchmarks;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.Dispatcher;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.JobContext;
import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.Callbacks;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.tracing.MessagingTelemetry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The SDK as users run it: a {@link MessageClient} sends, a {@link Dispatcher} runs a {@link
 * JobConsumer} of {@code byte[]} payloads, optionally on a transport wrapped by {@link
 * MessagingTelemetry}.
 */
final class SdkWorkload implements Workload {
  private final BenchOptions options;
  private final String queue;
  private final Transport transport;
  private final @Nullable Telemetry telemetry;
  private final Cleanup cleanup;
  private final MessageClient client;
  private final Dispatcher dispatcher;

  /**
   * @param broker the transport, owned from now on
   * @param telemetry the SDK to trace with, owned from now on; null for no tracing
   * @param cleanup deletes the queue after the transport is closed
   */
  SdkWorkload(
      BenchOptions options,
      String queue,
      Transport broker,
      @Nullable Telemetry telemetry,
      Cleanup cleanup) {
    this.options = options;
    this.queue = queue;
    this.telemetry = telemetry;
    this.cleanup = cleanup;
    this.transport =
        telemetry == null
            ? broker
            : MessagingTelemetry.create(telemetry.openTelemetry()).wrap(broker);
    this.client = MessageClient.create(transport);
    this.dispatcher = Dispatcher.builder(transport).setClient(client).build();
  }

  @Override
  public void startConsumers(Consumer<byte[]> onMessage, Consumer<Throwable> onFailure) {
    ConsumerOptions consumerOptions =
        ConsumerOptions.builder()
            .setConcurrency(options.consumers())
            .setPrefetch(options.prefetch())
            .setShutdownTimeout(Duration.ofSeconds(10))
            .build();
    dispatcher.start(new BenchJob(queue, consumerOptions, onMessage));
  }

  @Override
  public Producer producer() {
    int batchSize = options.effectiveBatchSize();
    return batchSize > 1 ? new BatchProducer(batchSize) : new SingleProducer();
  }

  @Override
  public void close() throws IOException {
    try {
      dispatcher.close();
      transport.close();
      if (telemetry != null) {
        telemetry.close();
      }
    } finally {
      cleanup.close();
    }
  }

  @Override
  public Map<String, String> figures() {
    return telemetry == null ? Map.of() : telemetry.figures();
  }

  private final class SingleProducer implements Producer {
    @Override
    public void send(byte[] body, SendCallback done) {
      Callbacks.whenDone(
          client.sendAsync(OutgoingMessage.builder(queue).setBody(body).build()),
          (id, error) -> done.done(1, error));
    }
  }

  /** Buffers {@code size} messages, then sends them with one batch call. */
  private final class BatchProducer implements Producer {
    private final int size;
    private List<OutgoingMessage> buffer;

    BatchProducer(int size) {
      this.size = size;
      this.buffer = new ArrayList<>(size);
    }

    @Override
    public void send(byte[] body, SendCallback done) {
      buffer.add(OutgoingMessage.builder(queue).setBody(body).build());
      if (buffer.size() == size) {
        flush(done);
      }
    }

    @Override
    public void flush(SendCallback done) {
      if (buffer.isEmpty()) {
        return;
      }
      List<OutgoingMessage> batch = buffer;
      buffer = new ArrayList<>(size);
      Callbacks.whenDone(
          client.sendBatchAsync(batch), (ids, error) -> done.done(batch.size(), error));
    }
  }

  /** Hands each payload to the run's meter; returning acknowledges it. */
  private static final class BenchJob extends JobConsumer<byte[]> {
    private final ConsumerOptions options;
    private final Consumer<byte[]> onMessage;

    BenchJob(String queue, ConsumerOptions options, Consumer<byte[]> onMessage) {
      super(queue, byte[].class);
      this.options = options;
      this.onMessage = onMessage;
    }

    @Override
    public ConsumerOptions options() {
      return options;
    }

    @Override
    protected void handle(byte[] payload, JobContext ctx) {
      onMessage.accept(payload);
    }
  }
}
