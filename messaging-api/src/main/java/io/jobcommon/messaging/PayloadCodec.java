package io.jobcommon.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Type;

/**
 * Turns payload objects into body bytes and back. The default, {@link #json()}, writes UTF-8 JSON
 * with Jackson, the wire format shared with the TypeScript job-common. A payload of type {@code
 * byte[]} is passed through as the raw body by every codec built here.
 *
 * <p>Implementations are thread-safe.
 */
public interface PayloadCodec {

  /** The body's content type, for example {@code application/json}. */
  String contentType();

  /**
   * The body of {@code payload}.
   *
   * @throws PayloadEncodingException when the payload cannot be written
   */
  byte[] encode(Object payload);

  /**
   * The payload of {@code body}, as {@code type}. Never returns null.
   *
   * @throws PayloadDecodingException when the body is not a valid {@code type}; its message never
   *     contains the body
   */
  Object decode(byte[] body, Type type);

  /**
   * The default JSON codec: java.time types as ISO-8601 strings, {@code Optional} support, unknown
   * properties ignored (producers may add fields), trailing garbage rejected.
   */
  static PayloadCodec json() {
    return JacksonPayloadCodec.DEFAULT;
  }

  /** A JSON codec on the caller's {@code mapper}, used as it is configured. */
  static PayloadCodec json(ObjectMapper mapper) {
    return new JacksonPayloadCodec(mapper);
  }
}
