package io.jobcommon.messaging.sqs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.jobcommon.messaging.MessageTooLargeException;
import io.jobcommon.messaging.SendFailedException;
import io.jobcommon.messaging.spi.StandardHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeValue;

/**
 * How a message's bytes and headers travel as an SQS body and attributes, both ways.
 *
 * <ul>
 *   <li>Headers become String message attributes; an empty value travels as the custom type {@value
 *       #EMPTY_VALUE_TYPE}, because SQS refuses empty attribute values.
 *   <li>The header {@value #TRACE_HEADER} becomes the system attribute of that name, which does not
 *       count towards the 10-attribute limit, and comes back as a header.
 *   <li>SQS bodies are text: a body that is not UTF-8, holds characters SQS refuses, or is empty
 *       travels base64-encoded (or as a placeholder) with the attribute {@value #BODY_ENCODING},
 *       which costs one of the 10 attributes and is removed on receipt.
 *   <li>Headers that would not fit the budget ({@code packable}: the dead-letter headers) travel
 *       together as JSON in the one attribute {@value #PACKED}, unpacked on receipt.
 * </ul>
 */
final class WireFormat {
  private static final Logger log = LoggerFactory.getLogger(WireFormat.class);
  static final String TRACE_HEADER = StandardHeaders.AWS_TRACE_HEADER;
  private static final List<String> W3C_TRACE_HEADERS = StandardHeaders.TRACE_HEADERS_BY_DROP_ORDER;
  static final String BODY_ENCODING = "jc-body-encoding";
  static final String BASE64 = "base64";
  static final String EMPTY = "empty";
  static final String PACKED = "jc-dead-letter";
  static final String EMPTY_VALUE_TYPE = "String.jc-empty";
  private static final String EMPTY_PLACEHOLDER = "-";
  private static final String STRING = "String";

  private WireFormat() {}

  /** A message ready for SendMessage: body, attributes, the trace system attribute, its size. */
  record Encoded(
      String body,
      Map<String, MessageAttributeValue> attributes,
      @Nullable MessageSystemAttributeValue traceHeader,
      long size) {}

  /** A received message's bytes and headers, bookkeeping removed. */
  @SuppressWarnings("ArrayRecordComponent") // a carrier handed on at once, never compared
  record Decoded(byte[] body, Map<String, String> headers) {}

  /** Encodes a message; headers must fit the attribute budget. */
  static Encoded encode(String queue, byte[] body, Map<String, String> headers) {
    return encode(queue, body, headers, Map.of());
  }

  /**
   * Encodes a message whose {@code packable} headers travel as separate attributes when they fit
   * and otherwise as one JSON attribute, together with as many trailing {@code headers} as needed.
   *
   * @throws SendFailedException when a header name or value cannot travel, or there are too many
   * @throws MessageTooLargeException when the encoded message is over 1 MiB
   */
  static Encoded encode(
      String queue, byte[] body, Map<String, String> headers, Map<String, String> packable) {
    String text = SqsText.textOrNull(body);
    String encoding = null;
    if (body.length == 0) {
      encoding = EMPTY;
      text = EMPTY_PLACEHOLDER;
    } else if (text == null) {
      encoding = BASE64;
      text = Base64.getEncoder().encodeToString(body);
    }

    MessageSystemAttributeValue trace = null;
    List<Map.Entry<String, String>> plain = new ArrayList<>();
    for (Map.Entry<String, String> h : headers.entrySet()) {
      if (h.getKey().equals(TRACE_HEADER)) {
        if (!h.getValue().isEmpty()) {
          SqsText.checkValue(queue, h.getKey(), h.getValue());
          trace =
              MessageSystemAttributeValue.builder()
                  .dataType(STRING)
                  .stringValue(h.getValue())
                  .build();
        }
      } else {
        plain.add(h);
      }
    }
    int reserved = encoding == null ? 0 : 1;
    Map<String, String> packed = pack(plain, packable, reserved);
    int count = plain.size() + reserved + (packed.isEmpty() ? 0 : 1);
    count -= dropTraceHeadersOverBudget(queue, plain, count, trace != null);
    if (count > SqsLimits.MAX_ATTRIBUTES) {
      throw tooManyAttributes(queue, count, plain, encoding != null);
    }

    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
    long size = text.getBytes(StandardCharsets.UTF_8).length;
    for (Map.Entry<String, String> h : plain) {
      SqsText.checkName(queue, h.getKey());
      SqsText.checkValue(queue, h.getKey(), h.getValue());
      size += put(attributes, h.getKey(), h.getValue());
    }
    if (encoding != null) {
      size += put(attributes, BODY_ENCODING, encoding);
    }
    if (!packed.isEmpty()) {
      size += put(attributes, PACKED, toJson(packed));
    }
    if (size > SqsLimits.MAX_MESSAGE_BYTES) {
      throw new MessageTooLargeException(queue, size, SqsLimits.MAX_MESSAGE_BYTES);
    }
    return new Encoded(text, attributes, trace, size);
  }

  /**
   * Adds {@code packable} to {@code plain} when everything fits the attribute budget; otherwise
   * returns them packed for one JSON attribute, together with as many trailing {@code plain}
   * headers as needed (removed from {@code plain}), so a dead-lettered copy never fails for lack of
   * attributes.
   */
  private static Map<String, String> pack(
      List<Map.Entry<String, String>> plain, Map<String, String> packable, int reserved) {
    Map<String, String> packed = new LinkedHashMap<>();
    if (packable.isEmpty()) {
      return packed;
    }
    if (plain.size() + packable.size() + reserved <= SqsLimits.MAX_ATTRIBUTES) {
      packable.forEach((k, v) -> plain.add(Map.entry(k, SqsText.sanitize(v))));
      return packed;
    }
    // The packed attribute takes one slot; headers that still do not fit move into it too, the
    // last ones first.
    int room = SqsLimits.MAX_ATTRIBUTES - reserved - 1;
    Map<String, String> moved = new LinkedHashMap<>();
    while (plain.size() > room) {
      Map.Entry<String, String> last = plain.remove(plain.size() - 1);
      moved.put(last.getKey(), last.getValue());
    }
    packed.putAll(moved);
    packable.forEach((k, v) -> packed.put(k, SqsText.sanitize(v)));
    return packed;
  }

  private static SendFailedException tooManyAttributes(
      String queue, int count, List<Map.Entry<String, String>> plain, boolean encodedBody) {
    List<String> names = new ArrayList<>();
    plain.forEach(e -> names.add(e.getKey()));
    return new SendFailedException(
        queue,
        "message to queue '"
            + queue
            + "' needs "
            + count
            + " message attributes but SQS allows "
            + SqsLimits.MAX_ATTRIBUTES
            + " (headers "
            + names
            + (encodedBody ? " plus " + BODY_ENCODING + " for a body that is not text" : "")
            + "; "
            + TRACE_HEADER
            + " does not count); remove headers or move their data into the body",
        null);
  }

  /**
   * Tracing never makes a send fail: when the W3C trace headers are what pushes a message over the
   * attribute limit (the tracing layer cannot know that a non-text body costs a slot here), they
   * go, baggage first, then tracestate, then traceparent; the context still travels in
   * AWSTraceHeader.
   *
   * @return how many attributes were dropped
   */
  private static int dropTraceHeadersOverBudget(
      String queue, List<Map.Entry<String, String>> plain, int count, boolean hasTraceHeader) {
    int dropped = 0;
    for (String name : W3C_TRACE_HEADERS) {
      if (count - dropped <= SqsLimits.MAX_ATTRIBUTES) {
        break;
      }
      if (plain.removeIf(e -> e.getKey().equals(name))) {
        dropped++;
      }
    }
    if (dropped > 0) {
      log.warn(
          "message to queue '{}' is over SQS's {} message attributes; dropped {} W3C trace"
              + " header(s){}",
          queue,
          SqsLimits.MAX_ATTRIBUTES,
          dropped,
          hasTraceHeader ? "; the trace goes on through " + TRACE_HEADER : "");
    }
    return dropped;
  }

  /** The bytes and headers of a received message. */
  static Decoded decode(Message m) {
    Map<String, String> headers = new LinkedHashMap<>();
    String encoding = null;
    for (Map.Entry<String, MessageAttributeValue> a : m.messageAttributes().entrySet()) {
      String name = a.getKey();
      MessageAttributeValue v = a.getValue();
      if (name.equals(BODY_ENCODING)) {
        encoding = v.stringValue();
      } else if (name.equals(PACKED) && v.stringValue() != null) {
        Map<String, String> unpacked = fromJson(v.stringValue());
        if (unpacked == null) {
          headers.put(name, v.stringValue());
        } else {
          headers.putAll(unpacked);
        }
      } else {
        headers.put(name, valueOf(v));
      }
    }
    String trace = m.attributesAsStrings().get(TRACE_HEADER);
    if (trace != null) {
      headers.put(TRACE_HEADER, trace);
    }
    String text = m.body() == null ? "" : m.body();
    byte[] body;
    if (EMPTY.equals(encoding)) {
      body = new byte[0];
    } else if (BASE64.equals(encoding)) {
      try {
        body = Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        // Not ours after all (a foreign producer reusing the name): hand over the text as it came.
        headers.put(BODY_ENCODING, encoding);
        body = text.getBytes(StandardCharsets.UTF_8);
      }
    } else {
      if (encoding != null) {
        headers.put(BODY_ENCODING, encoding);
      }
      body = text.getBytes(StandardCharsets.UTF_8);
    }
    return new Decoded(body, headers);
  }

  private static long put(
      Map<String, MessageAttributeValue> attributes, String name, String value) {
    String type = value.isEmpty() ? EMPTY_VALUE_TYPE : STRING;
    String wire = value.isEmpty() ? EMPTY_PLACEHOLDER : value;
    attributes.put(name, MessageAttributeValue.builder().dataType(type).stringValue(wire).build());
    return utf8Length(name) + utf8Length(type) + utf8Length(wire);
  }

  private static String valueOf(MessageAttributeValue v) {
    String type = v.dataType() == null ? STRING : v.dataType();
    if (type.equals(EMPTY_VALUE_TYPE)) {
      return "";
    }
    if (type.startsWith("Binary")) {
      SdkBytes b = v.binaryValue();
      return b == null ? "" : Base64.getEncoder().encodeToString(b.asByteArray());
    }
    return v.stringValue() == null ? "" : v.stringValue();
  }

  private static long utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static String toJson(Map<String, String> map) {
    try {
      return Json.WRITER.writeValueAsString(map);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings always serializes", e);
    }
  }

  private static @Nullable Map<String, String> fromJson(String json) {
    try {
      return Json.READER.readValue(json);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /**
   * Jackson for the packed dead-letter headers, set up on first use: setting it up takes about a
   * tenth of a second, which every process's first send and receive would otherwise pay.
   */
  private static final class Json {
    private static final TypeReference<LinkedHashMap<String, String>> MAP =
        new TypeReference<>() {};
    static final ObjectWriter WRITER = new ObjectMapper().writerFor(MAP);
    static final ObjectReader READER = new ObjectMapper().readerFor(MAP);

    private Json() {}
  }
}
