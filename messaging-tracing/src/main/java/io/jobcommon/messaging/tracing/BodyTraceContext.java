package io.jobcommon.messaging.tracing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The TypeScript job-common's carrier inside a JSON body: {@code {"traceContext": {"traceparent":
 * "...", "tracestate": "..."}, ...}}. Reading is lenient (anything that is not such an object is
 * simply no carrier) and bounded (large bodies are not scanned); writing keeps every other byte of
 * the body when it can. Stateless and thread-safe.
 */
final class BodyTraceContext {
  static final String FIELD = "traceContext";

  /** Bodies larger than this are neither scanned nor rewritten. */
  static final int MAX_BODY_BYTES = 1024 * 1024;

  /** Longest value read from the body's carrier; longer ones are hostile. */
  static final int MAX_VALUE_CHARS = 1024;

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxNestingDepth(256).maxNumberLength(1000).build())
          .build();

  private static final ObjectMapper TREE =
      new ObjectMapper(JSON)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

  /** What a body holds. */
  enum Kind {
    /** Not a JSON object, or one without {@code traceContext}. */
    ABSENT,
    /** A {@code traceContext} of the wrong shape or type. */
    INVALID,
    /** A {@code traceContext} with a string {@code traceparent}. */
    FOUND
  }

  /** The outcome of {@link #read}; {@code fields} holds the W3C fields when {@link Kind#FOUND}. */
  record Read(Kind kind, Map<String, String> fields, String problem) {
    static final Read ABSENT = new Read(Kind.ABSENT, Map.of(), "");

    static Read invalid(String problem) {
      return new Read(Kind.INVALID, Map.of(), problem);
    }
  }

  private BodyTraceContext() {}

  /** Finds the top-level {@code traceContext} of {@code body}; never throws. */
  static Read read(byte[] body) {
    if (body.length == 0 || body.length > MAX_BODY_BYTES || !startsWithObject(body)) {
      return Read.ABSENT;
    }
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Read.ABSENT;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (FIELD.equals(name)) {
          return readCarrier(p, value);
        }
        p.skipChildren();
      }
      return Read.ABSENT;
    } catch (IOException | RuntimeException notJson) {
      return Read.ABSENT;
    }
  }

  private static Read readCarrier(JsonParser p, @Nullable JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_NULL) {
      return Read.ABSENT;
    }
    if (token != JsonToken.START_OBJECT) {
      return Read.invalid("traceContext is not an object but " + token);
    }
    Map<String, String> fields = new HashMap<>(4);
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (W3c.TRACEPARENT.equals(name) || W3c.TRACESTATE.equals(name)) {
        if (value == JsonToken.VALUE_NULL) {
          continue;
        }
        if (value != JsonToken.VALUE_STRING) {
          return Read.invalid("traceContext." + name + " is not a string but " + value);
        }
        if (p.getTextLength() > MAX_VALUE_CHARS) {
          return Read.invalid("traceContext." + name + " is " + p.getTextLength() + " chars long");
        }
        String text = p.getText().trim();
        // Lenient on case for the traceparent the TypeScript services write by hand.
        fields.put(name, W3c.TRACEPARENT.equals(name) ? text.toLowerCase(Locale.ROOT) : text);
      } else {
        p.skipChildren();
      }
    }
    if (!fields.containsKey(W3c.TRACEPARENT)) {
      return Read.invalid("traceContext has no string traceparent");
    }
    return new Read(Kind.FOUND, fields, "");
  }

  /**
   * {@code body} with {@code traceContext} set to {@code fields}, or null when the body is not a
   * single JSON object (then it is sent unchanged). A body without {@code traceContext} keeps all
   * its bytes: the field is spliced in after the opening brace.
   */
  static byte @Nullable [] write(byte[] body, Map<String, String> fields) {
    if (fields.isEmpty()
        || body.length == 0
        || body.length > MAX_BODY_BYTES
        || !startsWithObject(body)) {
      return null;
    }
    try {
      Shape shape = shape(body);
      if (shape == null) {
        return null;
      }
      if (shape.hasField) {
        JsonNode tree = TREE.readTree(body);
        ObjectNode carrier = ((ObjectNode) tree).putObject(FIELD);
        putFields(carrier, fields);
        return TREE.writeValueAsBytes(tree);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 128);
      out.write(body, 0, shape.openBrace + 1);
      out.write(fragment(fields));
      if (!shape.empty) {
        out.write(',');
      }
      out.write(body, shape.openBrace + 1, body.length - shape.openBrace - 1);
      return out.toByteArray();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static void putFields(ObjectNode carrier, Map<String, String> fields) {
    String traceparent = fields.get(W3c.TRACEPARENT);
    String tracestate = fields.get(W3c.TRACESTATE);
    if (traceparent != null) {
      carrier.put(W3c.TRACEPARENT, traceparent);
    }
    if (tracestate != null) {
      carrier.put(W3c.TRACESTATE, tracestate);
    }
  }

  /** {@code "traceContext":{"traceparent":"...","tracestate":"..."}} as UTF-8. */
  private static byte[] fragment(Map<String, String> fields) throws IOException {
    ObjectNode wrapper = TREE.createObjectNode();
    putFields(wrapper.putObject(FIELD), fields);
    byte[] object = TREE.writeValueAsBytes(wrapper);
    byte[] inner = new byte[object.length - 2];
    System.arraycopy(object, 1, inner, 0, inner.length);
    return inner;
  }

  /** Where the body's object opens, whether it is empty and whether it has our field. */
  private record Shape(int openBrace, boolean empty, boolean hasField) {}

  private static @Nullable Shape shape(byte[] body) throws IOException {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      int openBrace = (int) p.currentTokenLocation().getByteOffset();
      if (openBrace < 0 || openBrace >= body.length || body[openBrace] != '{') {
        return null;
      }
      boolean empty = true;
      boolean hasField = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        empty = false;
        if (FIELD.equals(p.currentName())) {
          hasField = true;
        }
        p.nextToken();
        p.skipChildren();
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        return null; // truncated, or more than one value: not ours to touch
      }
      return new Shape(openBrace, empty, hasField);
    }
  }

  private static boolean startsWithObject(byte[] body) {
    for (byte b : body) {
      if (b == '{') {
        return true;
      }
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return false;
  }
}
