package io.jobcommon.messaging;

import io.jobcommon.messaging.spi.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The {@link MessageClient}: encodes, then hands to the transport. Thread-safe. */
final class DefaultMessageClient implements MessageClient {
  private final Transport transport;
  private final PayloadCodec codec;

  DefaultMessageClient(Transport transport, PayloadCodec codec) {
    this.transport = transport;
    this.codec = codec;
  }

  @Override
  public PayloadCodec codec() {
    return codec;
  }

  @Override
  public CompletableFuture<String> sendAsync(OutgoingMessage message) {
    try {
      return transport.send(encode(message));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<List<String>> sendBatchAsync(List<OutgoingMessage> messages) {
    if (messages.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    try {
      List<OutgoingMessage> encoded = new ArrayList<>(messages.size());
      for (OutgoingMessage m : messages) {
        encoded.add(encode(m));
      }
      return transport.sendBatch(encoded);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private OutgoingMessage encode(OutgoingMessage message) {
    if (message.isEncoded()) {
      return message;
    }
    Object payload = message.payload().orElseThrow();
    OutgoingMessage.Builder b = message.toBuilder().setBody(codec.encode(payload));
    if (message.contentType().equals(OutgoingMessage.JSON)) {
      b.setContentType(codec.contentType());
    }
    return b.build();
  }

  @Override
  public String toString() {
    return "MessageClient{transport=" + transport.system() + "}";
  }
}
