package io.jobcommon.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Objects;

/** Jackson-backed {@link PayloadCodec}. Thread-safe: ObjectMapper is, once configured. */
final class JacksonPayloadCodec implements PayloadCodec {
  static final JacksonPayloadCodec DEFAULT = new JacksonPayloadCodec(defaultMapper());

  private final ObjectMapper mapper;

  JacksonPayloadCodec(ObjectMapper mapper) {
    this.mapper = Objects.requireNonNull(mapper, "mapper");
  }

  static ObjectMapper defaultMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .addModule(new Jdk8Module())
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .build();
  }

  @Override
  public String contentType() {
    return OutgoingMessage.JSON;
  }

  @Override
  public byte[] encode(Object payload) {
    if (payload instanceof byte[]) {
      return ((byte[]) payload).clone();
    }
    try {
      return mapper.writeValueAsBytes(payload);
    } catch (JsonProcessingException e) {
      throw new PayloadEncodingException(
          "cannot encode a " + payload.getClass().getName() + " as JSON: " + e.getOriginalMessage(),
          e);
    }
  }

  @Override
  public Object decode(byte[] body, Type type) {
    if (type == byte[].class) {
      return body.clone();
    }
    JavaType javaType = mapper.getTypeFactory().constructType(type);
    Object value;
    try {
      value = mapper.readValue(body, javaType);
    } catch (JsonProcessingException e) {
      throw new PayloadDecodingException(
          "body of "
              + body.length
              + " bytes is not a valid "
              + javaType.toCanonical()
              + ": "
              + e.getOriginalMessage(),
          e);
    } catch (IOException | RuntimeException e) {
      throw new PayloadDecodingException(
          "body of " + body.length + " bytes is not valid JSON: " + e.getMessage(), e);
    }
    if (value == null) {
      throw new PayloadDecodingException(
          "body is JSON null or empty; expected a " + javaType.toCanonical(), null);
    }
    return value;
  }
}
