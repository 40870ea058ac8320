package io.jobcommon.examples.api;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import io.jobcommon.examples.domain.Queues;
import io.jobcommon.job.JobRuntime;
import io.jobcommon.messaging.MessageClient;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.javahttpserver.JavaHttpServerTelemetry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API service ({@code api-service}): {@code POST /api/sboms/upload?orgId=...} with an SBOM as
 * JSON ({@code {"components":[{"name":"log4j-core","version":"2.14.1"}]}}) answers {@code 202
 * {"sbomId":"...","messageId":"..."}} once {@link io.jobcommon.examples.domain.SbomUploaded} is on
 * {@code sbom-process-queue}. The request's W3C {@code traceparent} is continued in a SERVER span
 * made by OpenTelemetry's library instrumentation of the JDK HttpServer (under the OpenTelemetry
 * Java agent, the agent's own, which then takes its place), so the message (and the jobs it starts)
 * join the browser's trace.
 *
 * <pre>{@code
 * System.exit(JobRuntime.launch(runtime -> {
 *   try (ApiService api = ApiService.start(runtime.client(), runtime.openTelemetry(), 8080)) {
 *     return runtime.run();                          // until SIGTERM
 *   }
 * }));
 * }</pre>
 *
 * <p>Thread-safe. The client and OpenTelemetry stay the caller's: {@link #close()} stops only the
 * HTTP server.
 */
public final class ApiService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiService.class);

  /** The upload endpoint's path. */
  public static final String UPLOAD_PATH = "/api/sboms/upload";

  private final HttpServer server;
  private final ExecutorService executor;
  private final Draining draining;

  private ApiService(HttpServer server, ExecutorService executor, Draining draining) {
    this.server = server;
    this.executor = executor;
    this.draining = draining;
  }

  /** Starts serving on {@code port} of every interface (0: any free port), default queues. */
  public static ApiService start(MessageClient client, OpenTelemetry openTelemetry, int port) {
    return start(client, openTelemetry, new InetSocketAddress(port), Queues.DEFAULT);
  }

  /**
   * Starts serving on {@code address}, publishing to {@code queues.sbomProcess()}. The SERVER span
   * reads the caller's context with {@code openTelemetry}'s propagators (W3C {@code tracecontext}
   * and {@code baggage} by default).
   */
  public static ApiService start(
      MessageClient client, OpenTelemetry openTelemetry, InetSocketAddress address, Queues queues) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    Objects.requireNonNull(queues, "queues");
    HttpServer server;
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on " + address + " (is the port taken? set API_PORT)", e);
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(4, r -> new Thread(r, "api-http-" + n.incrementAndGet()));
    Draining draining = new Draining(new UploadHandler(client, queues.sbomProcess()));
    // snippet:start http-server-library
    HttpContext upload = server.createContext(UPLOAD_PATH, draining);
    JavaHttpServerTelemetry.create(openTelemetry).configure(upload); // the SERVER span
    // snippet:end http-server-library
    server.setExecutor(executor);
    server.start();
    return new ApiService(server, executor, draining);
  }

  /**
   * Runs the service from the environment ({@code MESSAGING_BROKER}, ...) on {@code API_PORT} (8080
   * by default) until SIGTERM.
   */
  // snippet:start main
  public static void main(String[] args) {
    System.exit(
        JobRuntime.launch(
            runtime -> {
              int port = Integer.parseInt(System.getenv().getOrDefault("API_PORT", "8080"));
              try (ApiService api = start(runtime.client(), runtime.openTelemetry(), port)) {
                log.info("api-service listening on :{}{}", api.port(), UPLOAD_PATH);
                return runtime.run(); // until SIGTERM; uploads then get 503 until the server stops
              }
            }));
  }

  // snippet:end main

  /** The port served. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The upload endpoint on the loopback interface, for local callers. */
  public URI uploadUri() {
    return URI.create("http://127.0.0.1:" + port() + UPLOAD_PATH);
  }

  /**
   * Answers new requests with 503, lets running ones finish (up to 5 s), then stops the server and
   * frees its threads.
   */
  @Override
  public void close() {
    // HttpServer.stop(delay) on JDK 17 waits the whole delay even when idle; drain ourselves.
    draining.drain(Duration.ofSeconds(5));
    server.stop(0);
    executor.shutdown();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
