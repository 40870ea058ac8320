package io.jobcommon.messaging;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One message to send: a queue, a payload object (encoded by the client's {@link PayloadCodec}) or
 * a raw body, and optional headers, delay, FIFO group id and deduplication id.
 *
 * <pre>{@code
 * client.send(OutgoingMessage.builder("sbom-process-queue")
 *     .setPayload(new SbomUploaded(sbomId, orgId, components))
 *     .setHeader("tenant", orgId)
 *     .setDelay(Duration.ofSeconds(30))
 *     .build());
 * }</pre>
 *
 * <p>A message is in one of two states. Built with {@link Builder#setPayload} it is <em>not
 * encoded</em>: it holds the payload object and no body, and {@link #body()} throws. The {@link
 * MessageClient} encodes it with its codec before handing it on, so a message a {@link
 * io.jobcommon.messaging.spi.Transport} receives is always <em>encoded</em> ({@link #isEncoded()}
 * is true) and transports may call {@link #body()} without checking. Built with {@link
 * Builder#setBody} it is encoded from the start. Code that may see either state checks {@link
 * #isEncoded()} or uses {@link #bodySize()}, which never throws.
 *
 * <p>Immutable and thread-safe; byte arrays and maps are copied in and out.
 */
public final class OutgoingMessage {
  /** Content type of the default JSON codec. */
  public static final String JSON = "application/json";

  private final String queue;
  private final @Nullable Object payload;
  private final byte @Nullable [] body;
  private final Map<String, String> headers;
  private final Duration delay;
  private final @Nullable String groupId;
  private final @Nullable String deduplicationId;
  private final String contentType;

  private OutgoingMessage(Builder b) {
    this.queue = b.queue;
    this.payload = b.payload;
    this.body = b.body;
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
    this.delay = b.delay;
    this.groupId = b.groupId;
    this.deduplicationId = b.deduplicationId;
    this.contentType = b.contentType;
  }

  /** A message of {@code payload} to {@code queue}, with no headers and no delay. */
  public static OutgoingMessage of(String queue, Object payload) {
    return builder(queue).setPayload(payload).build();
  }

  /** A builder for a message to {@code queue}. */
  public static Builder builder(String queue) {
    return new Builder(queue);
  }

  /** A builder holding this message's values. */
  public Builder toBuilder() {
    Builder b = new Builder(queue);
    b.payload = payload;
    b.body = body;
    b.headers.putAll(headers);
    b.delay = delay;
    b.groupId = groupId;
    b.deduplicationId = deduplicationId;
    b.contentType = contentType;
    return b;
  }

  /** The destination queue's name. */
  public String queue() {
    return queue;
  }

  /** The payload object, when the message was built from one. */
  public Optional<Object> payload() {
    return Optional.ofNullable(payload);
  }

  /** Whether the body bytes are present (a raw body, or a payload already encoded). */
  public boolean isEncoded() {
    return body != null;
  }

  /**
   * A copy of the body bytes. Always present on a message a transport receives; on a message built
   * from a payload, only once the client has encoded it (see the class description).
   *
   * @throws IllegalStateException if {@link #isEncoded()} is false: the message holds a payload the
   *     client has not encoded yet
   */
  public byte[] body() {
    if (body == null) {
      throw new IllegalStateException(
          "message to queue '" + queue + "' holds a payload that was not encoded yet");
    }
    return body.clone();
  }

  /** The body's size in bytes, or -1 when not encoded yet. */
  public int bodySize() {
    return body == null ? -1 : body.length;
  }

  /** The headers, in insertion order; unmodifiable. */
  public Map<String, String> headers() {
    return headers;
  }

  /** How long the broker should hold the message before delivering it; zero for none. */
  public Duration delay() {
    return delay;
  }

  /** The FIFO message group id (SQS FIFO queues require one). */
  public Optional<String> groupId() {
    return Optional.ofNullable(groupId);
  }

  /** The FIFO deduplication id. */
  public Optional<String> deduplicationId() {
    return Optional.ofNullable(deduplicationId);
  }

  /** The body's content type; {@value #JSON} by default. */
  public String contentType() {
    return contentType;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof OutgoingMessage)) {
      return false;
    }
    OutgoingMessage m = (OutgoingMessage) o;
    return queue.equals(m.queue)
        && Objects.equals(payload, m.payload)
        && Arrays.equals(body, m.body)
        && headers.equals(m.headers)
        && delay.equals(m.delay)
        && Objects.equals(groupId, m.groupId)
        && Objects.equals(deduplicationId, m.deduplicationId)
        && contentType.equals(m.contentType);
  }

  @Override
  public int hashCode() {
    return Objects.hash(queue, payload, headers, delay, groupId, deduplicationId, contentType) * 31
        + Arrays.hashCode(body);
  }

  /** Names the queue, sizes and options; never prints the body or header values. */
  @Override
  public String toString() {
    return "OutgoingMessage{queue="
        + queue
        + ", bodySize="
        + bodySize()
        + ", headers="
        + headers.keySet()
        + (delay.isZero() ? "" : ", delay=" + delay)
        + (groupId == null ? "" : ", groupId=" + groupId)
        + "}";
  }

  /** Builds an {@link OutgoingMessage}. Not thread-safe: one thread builds one message. */
  public static final class Builder {
    private final String queue;
    private @Nullable Object payload;
    private byte @Nullable [] body;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Duration delay = Duration.ZERO;
    private @Nullable String groupId;
    private @Nullable String deduplicationId;
    private String contentType = JSON;

    private Builder(String queue) {
      Objects.requireNonNull(queue, "queue");
      if (queue.isBlank()) {
        throw new IllegalArgumentException("queue must not be blank");
      }
      this.queue = queue;
    }

    /** The payload to encode with the client's codec; replaces a body set before. */
    public Builder setPayload(Object payload) {
      this.payload = Objects.requireNonNull(payload, "payload");
      this.body = null;
      return this;
    }

    /**
     * The body bytes, sent as they are (copied). Keeps a payload set before as the source of the
     * body, for telemetry and tests.
     */
    public Builder setBody(byte[] body) {
      this.body = Objects.requireNonNull(body, "body").clone();
      return this;
    }

    /** Adds or replaces one header. */
    public Builder setHeader(String name, String value) {
      Objects.requireNonNull(name, "header name");
      Objects.requireNonNull(value, () -> "value of header '" + name + "'");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("header name must not be empty");
      }
      headers.put(name, value);
      return this;
    }

    /** Adds or replaces every header of {@code headers}. */
    public Builder setHeaders(Map<String, String> headers) {
      headers.forEach(this::setHeader);
      return this;
    }

    /** Removes one header, if present. */
    public Builder removeHeader(String name) {
      headers.remove(name);
      return this;
    }

    /** How long the broker should hold the message before delivering it. */
    public Builder setDelay(Duration delay) {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay must not be negative: " + delay);
      }
      this.delay = delay;
      return this;
    }

    /** The FIFO message group id; messages of one group are delivered in order. */
    public Builder setGroupId(String groupId) {
      this.groupId = Objects.requireNonNull(groupId, "groupId");
      return this;
    }

    /**
     * The FIFO deduplication id; a second message with the same id within the window is dropped.
     */
    public Builder setDeduplicationId(String deduplicationId) {
      this.deduplicationId = Objects.requireNonNull(deduplicationId, "deduplicationId");
      return this;
    }

    /** The body's content type. */
    public Builder setContentType(String contentType) {
      this.contentType = Objects.requireNonNull(contentType, "contentType");
      return this;
    }

    /**
     * The message.
     *
     * @throws IllegalStateException if neither a payload nor a body was set
     */
    public OutgoingMessage build() {
      if (payload == null && body == null) {
        throw new IllegalStateException(
            "message to queue '" + queue + "' needs a payload (setPayload) or a body (setBody)");
      }
      return new OutgoingMessage(this);
    }
  }
}
