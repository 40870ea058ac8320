package io.jobcommon.messaging.sqs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.jobcommon.messaging.MessageTooLargeException;
import io.jobcommon.messaging.SendFailedException;
import io.jobcommon.messaging.spi.StandardHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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
    String text = textOrNull(body);
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
          checkValue(queue, h.getKey(), h.getValue());
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
    Map<String, String> packed = new LinkedHashMap<>();
    if (!packable.isEmpty()) {
      if (plain.size() + packable.size() + reserved <= SqsLimits.MAX_ATTRIBUTES) {
        packable.forEach((k, v) -> plain.add(Map.entry(k, sanitize(v))));
      } else {
        // The packed attribute takes one slot; headers that still do not fit move into it too, the
        // last ones first, so a dead-lettered copy never fails for lack of attributes.
        int room = SqsLimits.MAX_ATTRIBUTES - reserved - 1;
        Map<String, String> moved = new LinkedHashMap<>();
        while (plain.size() > room) {
          Map.Entry<String, String> last = plain.remove(plain.size() - 1);
          moved.put(last.getKey(), last.getValue());
        }
        packed.putAll(moved);
        packable.forEach((k, v) -> packed.put(k, sanitize(v)));
      }
    }
    int count = plain.size() + reserved + (packed.isEmpty() ? 0 : 1);
    count -= dropTraceHeadersOverBudget(queue, plain, count, trace != null);
    if (count > SqsLimits.MAX_ATTRIBUTES) {
      List<String> names = new ArrayList<>();
      plain.forEach(e -> names.add(e.getKey()));
      throw new SendFailedException(
          queue,
          "message to queue '"
              + queue
              + "' needs "
              + count
              + " message attributes but SQS allows "
              + SqsLimits.MAX_ATTRIBUTES
              + " (headers "
              + names
              + (encoding == null ? "" : " plus " + BODY_ENCODING + " for a body that is not text")
              + "; "
              + TRACE_HEADER
              + " does not count); remove headers or move their data into the body",
          null);
    }

    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
    long size = text.getBytes(StandardCharsets.UTF_8).length;
    for (Map.Entry<String, String> h : plain) {
      checkName(queue, h.getKey());
      checkValue(queue, h.getKey(), h.getValue());
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

  /**
   * {@code body} as a string when it is strict UTF-8 made only of characters SQS accepts (#x9, #xA,
   * #xD, #x20 to #xD7FF, #xE000 to #xFFFD, #x10000 to #x10FFFF), else null.
   */
  static @Nullable String textOrNull(byte[] body) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body))
              .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    return isSqsText(text) ? text : null;
  }

  static boolean isSqsText(String s) {
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      boolean ok =
          c == 0x9
              || c == 0xA
              || c == 0xD
              || (c >= 0x20 && c <= 0xD7FF)
              || (c >= 0xE000 && c <= 0xFFFD)
              || (c >= 0x10000 && c <= 0x10FFFF);
      if (!ok) {
        return false;
      }
      i += Character.charCount(c);
    }
    return true;
  }

  /** {@code s} with every character SQS refuses replaced by U+FFFD. */
  static String sanitize(String s) {
    if (isSqsText(s)) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(c -> b.appendCodePoint(isSqsText(Character.toString(c)) ? c : 0xFFFD));
    return b.toString();
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

  /** SQS attribute names: letters, digits, {@code _ - .}; no leading, trailing or double dot. */
  private static void checkName(String queue, String name) {
    String problem = null;
    if (name.length() > SqsLimits.MAX_ATTRIBUTE_NAME_LENGTH) {
      problem = "is longer than " + SqsLimits.MAX_ATTRIBUTE_NAME_LENGTH + " characters";
    } else if (!name.matches("[A-Za-z0-9_.\\-]+")) {
      problem = "may only contain letters, digits, '_', '-' and '.'";
    } else if (name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
      problem = "must not start or end with '.' or contain '..'";
    } else {
      String lower = name.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("aws.") || lower.startsWith("amazon.")) {
        problem = "must not start with 'AWS.' or 'Amazon.' (reserved by SQS)";
      }
    }
    if (problem != null) {
      throw new SendFailedException(
          queue,
          "header name '"
              + name
              + "' of a message to queue '"
              + queue
              + "' cannot be an SQS message attribute: it "
              + problem
              + "; rename the header",
          null);
    }
  }

  private static void checkValue(String queue, String name, String value) {
    if (!isSqsText(value)) {
      throw new SendFailedException(
          queue,
          "header '"
              + name
              + "' of a message to queue '"
              + queue
              + "' holds characters SQS refuses in attribute values (control characters or"
              + " unpaired surrogates); encode the value, for example as base64",
          null);
    }
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
