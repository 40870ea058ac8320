package io.jobcommon.messaging;

import io.jobcommon.messaging.spi.Futures;
import io.jobcommon.messaging.spi.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Sends messages: payloads are encoded by the client's {@link PayloadCodec} (JSON by default) and
 * handed to a {@link Transport}. A send returns, or its future completes, only once the broker has
 * the message, with the broker's message id.
 *
 * <pre>{@code
 * MessageClient client = runtime.client();        // or MessageClient.create(transport)
 * String id = client.send("sbom-process-queue", new SbomUploaded(sbomId, orgId));
 * }</pre>
 *
 * <p>Thread-safe: share one client. Arguments must not be null. Blocking methods throw a {@link
 * MessagingException} subclass; async methods complete exceptionally with one instead of throwing.
 * The client does not own its transport: closing the transport ends the client.
 */
public interface MessageClient {

  /** A client on {@code transport} with the JSON codec. */
  static MessageClient create(Transport transport) {
    return builder(transport).build();
  }

  /** A builder for a client on {@code transport}. */
  static Builder builder(Transport transport) {
    return new Builder(transport);
  }

  /** The codec payloads are encoded with. */
  PayloadCodec codec();

  /**
   * Sends {@code message}. The future completes with the broker's message id once the broker has
   * it.
   */
  CompletableFuture<String> sendAsync(OutgoingMessage message);

  /**
   * Sends {@code messages} in as few broker calls as the broker allows. Completes with the ids in
   * order, or with a {@link BatchSendException} that lists every failed entry.
   */
  CompletableFuture<List<String>> sendBatchAsync(List<OutgoingMessage> messages);

  /** Sends {@code payload} to {@code queue}; completes with the message id. */
  default CompletableFuture<String> sendAsync(String queue, Object payload) {
    try {
      return sendAsync(OutgoingMessage.of(queue, payload));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Sends every payload of {@code payloads} to {@code queue}; completes with the ids in order. */
  default CompletableFuture<List<String>> sendBatchAsync(String queue, List<?> payloads) {
    try {
      List<OutgoingMessage> messages = new ArrayList<>(payloads.size());
      for (Object p : payloads) {
        messages.add(OutgoingMessage.of(queue, p));
      }
      return sendBatchAsync(messages);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Sends {@code payload} to {@code queue} and returns the broker's message id. */
  default String send(String queue, Object payload) {
    return await(sendAsync(queue, payload));
  }

  /** Sends {@code message} and returns the broker's message id. */
  default String send(OutgoingMessage message) {
    return await(sendAsync(message));
  }

  /** Sends every payload to {@code queue} and returns the ids in order. */
  default List<String> sendBatch(String queue, List<?> payloads) {
    return await(sendBatchAsync(queue, payloads));
  }

  /** Sends {@code messages} and returns the ids in order. */
  default List<String> sendBatch(List<OutgoingMessage> messages) {
    return await(sendBatchAsync(messages));
  }

  /**
   * Waits for {@code future} and rethrows its failure as the {@link MessagingException} it is, or
   * wrapped in one.
   */
  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException | CancellationException e) {
      Throwable cause = Futures.unwrap(e);
      if (cause instanceof MessagingException) {
        MessagingException me = (MessagingException) cause;
        me.addSuppressed(new Exception("waited for here"));
        throw me;
      }
      throw new SendFailedException("unknown", "send failed: " + cause, cause);
    }
  }

  /** Builds a {@link MessageClient}. Not thread-safe. */
  final class Builder {
    private final Transport transport;
    private PayloadCodec codec = PayloadCodec.json();

    private Builder(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
    }

    /** The codec for payloads; JSON by default. */
    public Builder setCodec(PayloadCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /** The client. */
    public MessageClient build() {
      return new DefaultMessageClient(transport, codec);
    }
  }
}
