package io.jobcommon.examples.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.jobcommon.examples.domain.Component;
import io.jobcommon.examples.domain.SbomUploaded;
import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.MessagingException;
import io.opentelemetry.api.trace.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * {@code POST /api/sboms/upload}: runs inside the request's SERVER span (started by OpenTelemetry's
 * HttpServer filter, or by the Java agent), so the message's PRODUCER span is its child.
 * Thread-safe.
 */
final class UploadHandler implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(UploadHandler.class);
  private static final int MAX_BODY = 1024 * 1024;
  // A CycloneDX document has many more fields than the ones read here.
  private static final ObjectMapper JSON =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private final MessageClient client;
  private final String queue;

  UploadHandler(MessageClient client, String queue) {
    this.client = client;
    this.queue = queue;
  }

  /** The SBOM document as sent: only the component list is read, and it may be missing. */
  record SbomJson(@Nullable List<Component> components) {}

  /** A checked SBOM: it has a components list. */
  record SbomDocument(List<Component> components) {}

  /** What a 4xx or 5xx answer says. */
  private static final class HttpError extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    HttpError(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  @Override
  @SuppressWarnings("try") // the MDC entries are only held open
  public void handle(HttpExchange exchange) throws IOException {
    // The SERVER span the OpenTelemetry filter (or the Java agent) started for this request.
    Span span = Span.current();
    try (MDC.MDCCloseable traceId =
            MDC.putCloseable("trace_id", span.getSpanContext().getTraceId());
        MDC.MDCCloseable spanId = MDC.putCloseable("span_id", span.getSpanContext().getSpanId())) {
      int status;
      String body;
      try {
        body = upload(exchange);
        status = 202;
      } catch (HttpError e) {
        status = e.status;
        body = error(e.getMessage());
      } catch (MessagingException e) {
        // The broker did not take the message: the client may retry; nothing was accepted.
        log.warn("upload not queued: {}", e.getMessage());
        span.recordException(e);
        status = 503;
        body = error("the upload could not be queued, try again");
      }
      respond(exchange, status, body);
    } finally {
      exchange.close();
    }
  }

  private String upload(HttpExchange exchange) throws HttpError, IOException {
    if (!"POST".equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().set("Allow", "POST");
      throw new HttpError(405, "use POST");
    }
    if (!ApiService.UPLOAD_PATH.equals(exchange.getRequestURI().getPath())) {
      throw new HttpError(404, "no such endpoint: " + exchange.getRequestURI().getPath());
    }
    String orgId = queryParameter(exchange.getRequestURI().getRawQuery(), "orgId");
    if (orgId == null || orgId.isBlank()) {
      throw new HttpError(400, "the orgId query parameter is required");
    }
    // snippet:start send
    SbomDocument sbom = readSbom(exchange.getRequestBody());
    String sbomId = "sbom-" + UUID.randomUUID();
    String messageId = client.send(queue, new SbomUploaded(sbomId, orgId, sbom.components()));
    log.info("sbom {} of org {} queued as message {}", sbomId, orgId, messageId);
    // snippet:end send
    return JSON.writeValueAsString(Map.of("sbomId", sbomId, "messageId", messageId));
  }

  private static SbomDocument readSbom(InputStream in) throws HttpError, IOException {
    byte[] bytes = in.readNBytes(MAX_BODY + 1);
    if (bytes.length > MAX_BODY) {
      throw new HttpError(413, "the SBOM is larger than " + MAX_BODY + " bytes");
    }
    SbomJson sbom;
    try {
      sbom = JSON.readValue(bytes, SbomJson.class);
    } catch (JsonProcessingException e) {
      throw new HttpError(400, "the body is not an SBOM in JSON: " + e.getOriginalMessage());
    }
    List<Component> components = sbom == null ? null : sbom.components();
    if (components == null) {
      throw new HttpError(400, "the SBOM has no \"components\" list");
    }
    return new SbomDocument(components);
  }

  private static @Nullable String queryParameter(@Nullable String rawQuery, String name) {
    if (rawQuery == null) {
      return null;
    }
    for (String pair : rawQuery.split("&", -1)) { // an empty pair matches no name
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
        return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static String error(@Nullable String message) throws JsonProcessingException {
    return JSON.writeValueAsString(Map.of("error", String.valueOf(message)));
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
