package io.jobcommon.benchmarks;

import java.io.IOException;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One variant's way to move messages through one queue of a broker: the SDK (with or without
 * tracing) or a raw client. {@link LoadRun} drives it. Created for one run, on a fresh queue that
 * {@link #close()} deletes.
 */
interface Workload extends AutoCloseable {

  /**
   * Starts consuming; every received body goes to {@code onMessage}, on a consumer thread. A
   * consumer that stops for good (its connection lost) reports to {@code onFailure}.
   */
  void startConsumers(Consumer<byte[]> onMessage, Consumer<Throwable> onFailure) throws Exception;

  /** A producer for one producer thread. */
  Producer producer() throws Exception;

  /** Stops consuming, deletes the queue, closes connections, flushes telemetry. */
  @Override
  void close() throws IOException;

  /** Figures beyond the standard ones (spans), known once closed. */
  default Map<String, String> figures() {
    return Map.of();
  }

  /** Sends for one thread; its callbacks may run on other threads. */
  interface Producer extends AutoCloseable {

    /** Sends {@code body}; {@code done} is called once the broker has it, or it failed. */
    void send(byte[] body, SendCallback done) throws Exception;

    /** Sends what is buffered for a batch; {@code done} is called for it as for a send. */
    default void flush(SendCallback done) throws Exception {}

    @Override
    default void close() throws IOException {}
  }

  /** Deletes a run's queues. */
  @FunctionalInterface
  interface Cleanup extends AutoCloseable {
    @Override
    void close() throws IOException;
  }

  /** The outcome of sending {@code messages} messages. */
  @FunctionalInterface
  interface SendCallback {
    void done(int messages, @Nullable Throwable error);
  }
}
