package io.jobcommon.examples;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP receiver in the test JVM: takes {@code POST /v1/traces} as {@code http/protobuf},
 * decodes {@link ExportTraceServiceRequest} and keeps the spans; answers every other signal with
 * 200 and drops it. Spans reach it only through a real exporter over a real socket. Thread-safe.
 */
public final class OtlpReceiver implements AutoCloseable {
  /** One span as received. Ids in lowercase hex; {@code parentSpanId} empty for a root. */
  public record ReceivedSpan(
      String service,
      String traceId,
      String spanId,
      String parentSpanId,
      String name,
      Span.SpanKind kind,
      Map<String, String> attributes) {
    public boolean isRoot() {
      return parentSpanId.isEmpty();
    }

    public Optional<String> attribute(String key) {
      return Optional.ofNullable(attributes.get(key));
    }
  }

  private final HttpServer server;
  private final List<ReceivedSpan> spans = new ArrayList<>();
  private final Object lock = new Object();

  private OtlpReceiver(HttpServer server) {
    this.server = server;
  }

  public static OtlpReceiver start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    OtlpReceiver receiver = new OtlpReceiver(server);
    server.createContext("/", receiver::handle);
    server.start();
    return receiver;
  }

  /** The base URL to give {@code OTEL_EXPORTER_OTLP_ENDPOINT}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<ReceivedSpan> spans() {
    synchronized (lock) {
      return List.copyOf(spans);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = bodyOf(exchange)) {
        body = in.readAllBytes();
      }
      byte[] answer = new byte[0];
      if (exchange.getRequestURI().getPath().equals("/v1/traces")) {
        List<ReceivedSpan> received = decode(ExportTraceServiceRequest.parseFrom(body));
        synchronized (lock) {
          spans.addAll(received);
        }
        answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
      }
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
      if (answer.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(answer);
        }
      }
    }
  }

  private static InputStream bodyOf(HttpExchange exchange) throws IOException {
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    InputStream in = exchange.getRequestBody();
    return "gzip".equalsIgnoreCase(encoding) ? new GZIPInputStream(in) : in;
  }

  private static List<ReceivedSpan> decode(ExportTraceServiceRequest request) {
    List<ReceivedSpan> out = new ArrayList<>();
    for (ResourceSpans rs : request.getResourceSpansList()) {
      String service = attributes(rs.getResource().getAttributesList()).get("service.name");
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          out.add(
              new ReceivedSpan(
                  String.valueOf(service),
                  hex(s.getTraceId()),
                  hex(s.getSpanId()),
                  hex(s.getParentSpanId()),
                  s.getName(),
                  s.getKind(),
                  attributes(s.getAttributesList())));
        }
      }
    }
    return out;
  }

  private static Map<String, String> attributes(List<KeyValue> list) {
    Map<String, String> map = new HashMap<>();
    for (KeyValue kv : list) {
      AnyValue v = kv.getValue();
      String value =
          switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> Long.toString(v.getIntValue());
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
            default -> v.toString();
          };
      map.put(kv.getKey(), value);
    }
    return map;
  }

  private static String hex(ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
