package io.jobcommon.job;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP/HTTP receiver in the test JVM: decodes the protobuf the OTLP exporter sends to {@code
 * /v1/traces} and {@code /v1/metrics} with the {@code io.opentelemetry.proto} classes. Shared with
 * other modules' tests through this module's test jar.
 */
public final class OtlpReceiver implements AutoCloseable {

  /** One received span with its resource attributes. */
  public record ReceivedSpan(Span span, Map<String, String> resource) {
    public String name() {
      return span.getName();
    }

    public String traceId() {
      return HexFormat.of().formatHex(span.getTraceId().toByteArray());
    }

    public String spanId() {
      return HexFormat.of().formatHex(span.getSpanId().toByteArray());
    }

    public String parentSpanId() {
      return HexFormat.of().formatHex(span.getParentSpanId().toByteArray());
    }

    public Map<String, String> attributes() {
      return toMap(span.getAttributesList());
    }
  }

  /** One received log record: its body text and the trace and span it was logged in. */
  public record ReceivedLog(String body, String traceId, String spanId, String severity) {}

  private final HttpServer server;
  private final List<ReceivedLog> logs = new CopyOnWriteArrayList<>();
  private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
  private final List<String> metricNames = new CopyOnWriteArrayList<>();
  private volatile int failWith;

  /** Starts a receiver on a free port of 127.0.0.1. */
  public OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/v1/traces", this::traces);
    server.createContext("/v1/metrics", this::metrics);
    server.createContext("/v1/logs", this::logs);
    server.start();
  }

  /** The base URL for {@code OTEL_EXPORTER_OTLP_ENDPOINT}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** From now on, answer every export with this HTTP status (0: accept). */
  public void failWith(int status) {
    failWith = status;
  }

  /** The spans received so far. */
  public List<ReceivedSpan> spans() {
    return List.copyOf(spans);
  }

  /** The names of the metrics received so far. */
  public List<String> metricNames() {
    return List.copyOf(metricNames);
  }

  /** The log records received so far. */
  public List<ReceivedLog> logs() {
    return List.copyOf(logs);
  }

  private void logs(HttpExchange e) throws IOException {
    ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(read(e));
    for (ResourceLogs rl : request.getResourceLogsList()) {
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        for (LogRecord r : sl.getLogRecordsList()) {
          logs.add(
              new ReceivedLog(
                  r.getBody().getStringValue(),
                  HexFormat.of().formatHex(r.getTraceId().toByteArray()),
                  HexFormat.of().formatHex(r.getSpanId().toByteArray()),
                  r.getSeverityText()));
        }
      }
    }
    respond(e, 200, ExportLogsServiceResponse.getDefaultInstance().toByteArray());
  }

  private void traces(HttpExchange e) throws IOException {
    byte[] body = read(e);
    if (failWith != 0) {
      respond(e, failWith, new byte[0]);
      return;
    }
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
    for (ResourceSpans rs : request.getResourceSpansList()) {
      Map<String, String> resource = toMap(rs.getResource());
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          spans.add(new ReceivedSpan(s, resource));
        }
      }
    }
    respond(e, 200, ExportTraceServiceResponse.getDefaultInstance().toByteArray());
  }

  private void metrics(HttpExchange e) throws IOException {
    byte[] body = read(e);
    ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(body);
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          metricNames.add(m.getName());
        }
      }
    }
    respond(e, 200, ExportMetricsServiceResponse.getDefaultInstance().toByteArray());
  }

  private static byte[] read(HttpExchange e) throws IOException {
    boolean gzip = "gzip".equalsIgnoreCase(e.getRequestHeaders().getFirst("Content-Encoding"));
    try (InputStream in = gzip ? new GZIPInputStream(e.getRequestBody()) : e.getRequestBody()) {
      return in.readAllBytes();
    }
  }

  private static void respond(HttpExchange e, int status, byte[] body) throws IOException {
    e.getResponseHeaders().set("Content-Type", "application/x-protobuf");
    e.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = e.getResponseBody()) {
        out.write(body);
      }
    }
    e.close();
  }

  private static Map<String, String> toMap(Resource resource) {
    return toMap(resource.getAttributesList());
  }

  static Map<String, String> toMap(List<KeyValue> attributes) {
    Map<String, String> map = new HashMap<>();
    for (KeyValue kv : attributes) {
      AnyValue v = kv.getValue();
      String text;
      switch (v.getValueCase()) {
        case STRING_VALUE:
          text = v.getStringValue();
          break;
        case INT_VALUE:
          text = Long.toString(v.getIntValue());
          break;
        case BOOL_VALUE:
          text = Boolean.toString(v.getBoolValue());
          break;
        case DOUBLE_VALUE:
          text = Double.toString(v.getDoubleValue());
          break;
        default:
          text = v.toString();
      }
      map.put(kv.getKey(), text);
    }
    return map;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
