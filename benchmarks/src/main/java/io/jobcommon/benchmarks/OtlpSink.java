package io.jobcommon.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.GZIPInputStream;

/**
 * A minimal OTLP/HTTP trace receiver: {@code POST /v1/traces} takes a protobuf {@code
 * ExportTraceServiceRequest}, counts its spans and answers 200 with an empty response; {@code GET
 * /stats} answers {@code spans=N requests=M}. It stands in for a collector, so the exporting side
 * pays the full cost of real export (serialization, HTTP, acknowledgement). Thread-safe.
 */
final class OtlpSink implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final LongAdder spans = new LongAdder();
  private final LongAdder requests = new LongAdder();
  private final byte[] okResponse = ExportTraceServiceResponse.getDefaultInstance().toByteArray();

  private OtlpSink(int port, int threads) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
    AtomicInteger n = new AtomicInteger();
    executor =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "otlp-sink-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/v1/traces", this::traces);
    server.createContext("/stats", this::stats);
  }

  /** Starts a sink on {@code port} (0 for any free one) of 127.0.0.1. */
  static OtlpSink start(int port) throws IOException {
    OtlpSink sink = new OtlpSink(port, 2);
    sink.server.start();
    return sink;
  }

  int port() {
    return server.getAddress().getPort();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  long spans() {
    return spans.sum();
  }

  private void traces(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      ExportTraceServiceRequest request;
      try (InputStream in = body(exchange)) {
        request = ExportTraceServiceRequest.parseFrom(in);
      } catch (IOException e) {
        exchange.sendResponseHeaders(400, -1);
        return;
      }
      long count = 0;
      for (ResourceSpans rs : request.getResourceSpansList()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          count += ss.getSpansCount();
        }
      }
      spans.add(count);
      requests.increment();
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, okResponse.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(okResponse);
      }
    }
  }

  private static InputStream body(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    return "gzip".equalsIgnoreCase(encoding) ? new GZIPInputStream(in) : in;
  }

  private void stats(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] text =
          ("spans=" + spans.sum() + " requests=" + requests.sum() + "\n")
              .getBytes(StandardCharsets.US_ASCII);
      exchange.sendResponseHeaders(200, text.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(text);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
