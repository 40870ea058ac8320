package io.jobcommon.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.NonRetryableException;
import io.jobcommon.messaging.testing.InMemoryTransport;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * A worker that really runs (job runtime, in-memory broker, the SDK built from {@code OTEL_*} with
 * {@code OTEL_METRICS_EXPORTER=prometheus} and spans exported over OTLP to a real receiver),
 * processes messages that succeed, are retried and are dead-lettered, and is then scraped over
 * HTTP. Shared with other modules' tests through this module's test jar.
 */
public final class PrometheusScrape {
  private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");
  private static final Pattern FAMILY = Pattern.compile("(?m)^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) ");

  /** A payload of the scraped worker. */
  public record Work(String id) {}

  /**
   * What was scraped, and from where; {@code otlpMetrics}: the metric names the OTLP receiver got
   * by the time of the scrape.
   */
  public record Exposition(String text, String host, int port, List<String> otlpMetrics) {
    /** The metric family names ({@code # TYPE} lines), sorted. */
    public Set<String> families() {
      return matches(FAMILY, text);
    }

    /** Every sample's name ({@code _bucket}, {@code _total}, ... included), sorted. */
    public Set<String> sampleNames() {
      return matches(SAMPLE, text);
    }
  }

  private PrometheusScrape() {}

  /**
   * Runs the worker, scrapes {@code http://host:port/metrics} once every message is settled and the
   * spans are exported, and closes the worker.
   *
   * @param host the address to scrape through: 127.0.0.1, or another loopback address to show that
   *     the endpoint listens on every interface
   */
  public static Exposition run(String host) throws Exception {
    return run(host, "prometheus");
  }

  /**
   * Like {@link #run(String)} with {@code OTEL_METRICS_EXPORTER=metricsExporter} ({@code
   * prometheus}, or {@code otlp,prometheus} to push over OTLP as well).
   */
  public static Exposition run(String host, String metricsExporter) throws Exception {
    int port = freePort();
    Map<String, Integer> attempts = new ConcurrentHashMap<>();
    InMemoryTransport broker = InMemoryTransport.create();
    try (OtlpReceiver receiver = new OtlpReceiver();
        JobRuntime runtime =
            JobRuntime.builder()
                .setTransport(broker)
                .setEnvironment(
                    Map.of(
                        "SERVICE_NAME",
                        "job-scraped",
                        "OTEL_METRICS_EXPORTER",
                        metricsExporter,
                        "OTEL_METRIC_EXPORT_INTERVAL",
                        "500",
                        "OTEL_EXPORTER_PROMETHEUS_PORT",
                        String.valueOf(port),
                        "JOB_QUEUE_DEPTH_INTERVAL",
                        "1s",
                        "OTEL_TRACES_EXPORTER",
                        "otlp",
                        "OTEL_EXPORTER_OTLP_ENDPOINT",
                        receiver.endpoint()))
                .setRegisterShutdownHook(false)
                .build()) {
      runtime.start(
          JobConsumer.of(
              "scraped-queue",
              Work.class,
              (work, ctx) -> {
                int attempt = attempts.merge(work.id(), 1, Integer::sum);
                if (work.id().startsWith("poison")) {
                  throw new NonRetryableException("cannot process " + work.id());
                }
                if (work.id().startsWith("flaky") && attempt == 1) {
                  throw new IllegalStateException("first attempt of " + work.id() + " fails");
                }
              }));
      for (int i = 0; i < 5; i++) {
        runtime.client().send("scraped-queue", new Work("ok-" + i));
      }
      runtime.client().send("scraped-queue", new Work("flaky-1"));
      runtime.client().send("scraped-queue", new Work("poison-1"));
      broker.awaitIdle(Duration.ofSeconds(30));
      assertThat(broker.deadLettered("scraped-queue")).hasSize(1);
      String url = "http://" + host + ":" + port + "/metrics";
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      String[] text = new String[1];
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                text[0] = get(http, url);
                assertThat(text[0])
                    .contains("jc_messages_dead_lettered_total")
                    .contains("jc_message_time_in_queue_seconds_bucket")
                    .contains("otel_sdk_exporter_span_exported_total");
                // the dead-letter queue's depth gauge reads the one dead letter
                assertThat(text[0].lines())
                    .anyMatch(
                        line ->
                            line.startsWith("jc_queue_messages{")
                                && line.contains("messaging_destination_name=\"scraped-queue-dlq\"")
                                && line.contains("jc_queue_state=\"ready\"")
                                && line.matches(".* 1(\\.0)?")); // one dead letter
              });
      if (metricsExporter.contains("otlp")) {
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> receiver.metricNames().contains("jc.messages.dead_lettered"));
      }
      return new Exposition(text[0], host, port, receiver.metricNames());
    }
  }

  private static String get(HttpClient http, String url) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s", url).isEqualTo(200);
    return response.body();
  }

  private static Set<String> matches(Pattern pattern, String text) {
    Set<String> names = new TreeSet<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
