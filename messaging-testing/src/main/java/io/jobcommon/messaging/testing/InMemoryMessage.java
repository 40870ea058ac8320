package io.jobcommon.messaging.testing;

import io.jobcommon.messaging.PayloadCodec;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A message as an {@link InMemoryTransport} holds it: what was sent to a queue, or what landed in a
 * dead-letter queue, for tests to inspect.
 *
 * <p>Immutable and thread-safe; the body is copied out.
 */
public final class InMemoryMessage {
  private final String id;
  private final String queue;
  private final byte[] body;
  private final Map<String, String> headers;
  private final Instant sentAt;

  InMemoryMessage(
      String id, String queue, byte[] body, Map<String, String> headers, Instant sentAt) {
    this.id = id;
    this.queue = queue;
    this.body = body;
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    this.sentAt = sentAt;
  }

  /** The message id {@code send} returned. */
  public String id() {
    return id;
  }

  /** The queue it was sent to. */
  public String queue() {
    return queue;
  }

  /** A copy of the body. */
  public byte[] body() {
    return body.clone();
  }

  byte[] bodyBytes() {
    return body;
  }

  /** The body as UTF-8 text. */
  public String bodyAsString() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The body decoded by the JSON codec as {@code type}. */
  public <T> T payload(Class<T> type) {
    return type.cast(PayloadCodec.json().decode(body, type));
  }

  /** The body decoded by the JSON codec as {@code type}, for generic types. */
  public Object payload(Type type) {
    return PayloadCodec.json().decode(body, type);
  }

  /** The headers; unmodifiable. */
  public Map<String, String> headers() {
    return headers;
  }

  /** One header, if present. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }

  /** When it was sent (or dead-lettered), by the transport's clock. */
  public Instant sentAt() {
    return sentAt;
  }

  @Override
  public String toString() {
    return "InMemoryMessage{id="
        + id
        + ", queue="
        + queue
        + ", bodySize="
        + body.length
        + ", headers="
        + headers.keySet()
        + "}";
  }
}
