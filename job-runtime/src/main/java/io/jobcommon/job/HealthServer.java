package io.jobcommon.job;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jobcommon.messaging.ConfigurationException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The optional health endpoint ({@code JOB_HEALTH_PORT}). {@code GET /health/ready} (and {@code
 * /health}) answers 200 or 503 with a small JSON body built from the real state of the broker
 * connection and of every consumer: a broker outage makes the worker not ready. {@code GET
 * /health/live} answers 200 while the process serves requests, broker outage or not, so that a
 * platform does not restart a worker into the same outage. Plain JDK HTTP server, no tracing:
 * health checks never create spans. Thread-safe.
 */
final class HealthServer implements AutoCloseable {

  /** What the endpoint reports; computed on every request. */
  record Status(String state, String broker, boolean brokerHealthy, List<Consumer> consumers) {
    boolean isUp() {
      return state.equals("UP");
    }
  }

  /** One consumer's state. */
  record Consumer(String queue, boolean running) {}

  private final HttpServer server;
  private final ExecutorService executor;

  private HealthServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Listens on {@code port} of every interface (0: any free port).
   *
   * @throws ConfigurationException when the port cannot be bound
   */
  static HealthServer start(int port, Supplier<Status> status) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(port), 16);
    } catch (IOException e) {
      throw new ConfigurationException(
          RuntimeSettings.JOB_HEALTH_PORT,
          RuntimeSettings.JOB_HEALTH_PORT
              + "="
              + port
              + " cannot be listened on: "
              + e.getMessage()
              + " (expected a free port, or 0 for any free port)");
    }
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "jc-health");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", exchange -> handle(exchange, status));
    server.start();
    return new HealthServer(server, executor);
  }

  /** The port listened on. */
  int port() {
    return server.getAddress().getPort();
  }

  private static void handle(HttpExchange exchange, Supplier<Status> status) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      boolean live = path.equals("/health/live");
      if (!live && !path.equals("/health") && !path.equals("/health/ready") && !path.equals("/")) {
        send(exchange, 404, "{\"error\":\"not found; try /health/ready or /health/live\"}", method);
        return;
      }
      if (!method.equals("GET") && !method.equals("HEAD")) {
        send(exchange, 405, "{\"error\":\"use GET\"}", method);
        return;
      }
      if (live) {
        send(exchange, 200, "{\"status\":\"UP\"}", method);
        return;
      }
      Status s;
      try {
        s = status.get();
      } catch (RuntimeException e) {
        s = new Status("DOWN", "unknown", false, List.of());
      }
      send(exchange, s.isUp() ? 200 : 503, json(s), method);
    }
  }

  private static void send(HttpExchange exchange, int code, String body, String method)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = method.equals("HEAD");
    exchange.sendResponseHeaders(code, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  static String json(Status s) {
    StringBuilder b = new StringBuilder(128);
    b.append("{\"status\":\"").append(s.state()).append("\",\"broker\":{\"system\":\"");
    escape(s.broker(), b);
    b.append("\",\"healthy\":").append(s.brokerHealthy()).append("},\"consumers\":[");
    for (int i = 0; i < s.consumers().size(); i++) {
      Consumer c = s.consumers().get(i);
      b.append(i == 0 ? "" : ",").append("{\"queue\":\"");
      escape(c.queue(), b);
      b.append("\",\"running\":").append(c.running()).append('}');
    }
    return b.append("]}").toString();
  }

  private static void escape(String text, StringBuilder b) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
