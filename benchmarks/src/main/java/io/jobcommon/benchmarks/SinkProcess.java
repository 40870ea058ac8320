package io.jobcommon.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * An {@link OtlpSink} in a JVM of its own (so its CPU shows up as another process, as a collector
 * would), or one already running at a URL. Reads its span count over HTTP. Thread-safe.
 */
final class SinkProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final String baseUrl;
  private final @Nullable Process process; // null when the user runs the sink
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private SinkProcess(String baseUrl, @Nullable Process process) {
    this.baseUrl = baseUrl;
    this.process = process;
  }

  /** A sink the user started, at {@code baseUrl}. */
  static SinkProcess external(String baseUrl) {
    String url = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    return new SinkProcess(url, null);
  }

  /** Starts {@code java -cp <our class path> io.jobcommon.benchmarks.Main sink --port 0}. */
  static SinkProcess launch() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx256m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    Main.class.getName(),
                    "sink",
                    "--port",
                    "0"))
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String line;
    while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
      if (line.startsWith("SINK port=")) {
        int port = Integer.parseInt(line.substring("SINK port=".length()).trim());
        Thread drain = new Thread(() -> drain(out), "otlp-sink-output");
        drain.setDaemon(true);
        drain.start();
        return new SinkProcess("http://127.0.0.1:" + port, p);
      }
    }
    p.destroyForcibly();
    throw new IOException("the sink JVM did not report its port; last output: " + line);
  }

  private static void drain(BufferedReader out) {
    try {
      while (out.readLine() != null) {
        // the sink prints nothing after its port; keep its pipe from filling anyway
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  String baseUrl() {
    return baseUrl;
  }

  /** Spans the sink received so far, or -1 if it cannot be asked. */
  long spans() {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(baseUrl + "/stats"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      String body = r.body().trim();
      return Long.parseLong(body.substring("spans=".length(), body.indexOf(' ')));
    } catch (IOException | RuntimeException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroy();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
