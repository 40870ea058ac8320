package io.jobcommon.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcommon.job.OtlpReceiver;
import io.jobcommon.job.OtlpReceiver.ReceivedSpan;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example service on a real broker, each broker a subclass: an HTTP request with a {@code
 * traceparent} through the controller, the queue, the worker and a follow-up send, span by span
 * over OTLP; the SDK's metrics on the application's metrics endpoint; Actuator readiness UP, then
 * DOWN when the broker goes away (through a proxy of this test's own); a graceful shutdown with a
 * handler mid-way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class SpringExampleScenario {
  static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String PARENT_ID = "00f067aa0ba902b7";

  final String suffix = UUID.randomUUID().toString().substring(0, 8);
  final String sbomQueue = "spring-sbom-" + suffix;
  final String componentQueue = "spring-components-" + suffix;
  final String vulnQueue = "spring-vuln-" + suffix;
  final String slowQueue = "spring-slow-" + suffix;
  final HttpClient http = HttpClient.newHttpClient();

  OtlpReceiver otlp;
  TcpProxy proxy;
  ConfigurableApplicationContext app;
  int metricsPort;

  /** The broker's port on 127.0.0.1, for the proxy. */
  abstract int brokerPort();

  /** The application's broker properties, connecting to {@code port} on 127.0.0.1. */
  abstract Map<String, Object> brokerProperties(int port);

  /** The span name prefix of a send on this broker ({@code send} or {@code publish}). */
  abstract String sendVerb();

  /** Messages waiting in {@code queue}, read directly from the broker. */
  abstract int depth(String queue) throws Exception;

  /** Deletes what the test created on the broker. */
  abstract void deleteQueues(List<String> queues) throws Exception;

  @BeforeAll
  void startApplication() throws Exception {
    otlp = new OtlpReceiver();
    proxy = new TcpProxy(brokerPort());
    metricsPort = freePort();
    app = start(proxy.port(), Map.of(), SpringExampleApplication.class);
  }

  ConfigurableApplicationContext start(
      int brokerPort, Map<String, Object> extra, Class<?>... sources) {
    Map<String, Object> p = new HashMap<>(brokerProperties(brokerPort));
    p.put("server.port", "0");
    p.put("server.address", "127.0.0.1");
    p.put("example.queues.sbom", sbomQueue);
    p.put("example.queues.components", componentQueue);
    p.put("example.queues.vuln-match", vulnQueue);
    p.put("test.queues.slow", slowQueue);
    p.put("otel.exporter.otlp.endpoint", otlp.endpoint());
    p.put("otel.exporter.otlp.protocol", "http/protobuf");
    p.put("otel.bsp.schedule.delay", "100");
    p.put("otel.exporter.prometheus.host", "127.0.0.1");
    p.put("otel.exporter.prometheus.port", String.valueOf(metricsPort));
    p.putAll(extra);
    // Command-line arguments: they win over the example's application.properties.
    String[] args =
        p.entrySet().stream()
            .map(e -> "--" + e.getKey() + "=" + e.getValue())
            .toArray(String[]::new);
    return new SpringApplicationBuilder(sources).run(args);
  }

  @AfterAll
  void stop() throws Exception {
    if (app != null) {
      app.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (otlp != null) {
      otlp.close();
    }
    deleteQueues(List.of(sbomQueue, componentQueue, vulnQueue, slowQueue));
  }

  @Test
  @Order(1)
  void oneTraceFromTheRequestThroughTheQueueToTheFollowUp() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(url(app, "/sboms"))
                .header("content-type", "application/json")
                .header("traceparent", "00-" + TRACE_ID + "-" + PARENT_ID + "-01")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sbomId\":\"s-1\",\"orgId\":\"o-1\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(202);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(otlp.spans())
                    .as("spans so far")
                    .anyMatch(
                        s ->
                            s.traceId().equals(TRACE_ID)
                                && s.name().equals("process " + componentQueue)));
    ReceivedSpan server = only(s -> s.span().getKind().name().equals("SPAN_KIND_SERVER"));
    ReceivedSpan send = only(s -> s.name().equals(sendVerb() + " " + sbomQueue));
    ReceivedSpan process = only(s -> s.name().equals("process " + sbomQueue));
    ReceivedSpan followUp = only(s -> s.name().equals(sendVerb() + " " + componentQueue));
    ReceivedSpan processFollowUp = only(s -> s.name().equals("process " + componentQueue));

    assertThat(server.name()).isEqualTo("POST /sboms");
    assertThat(server.parentSpanId()).isEqualTo(PARENT_ID);
    assertThat(send.parentSpanId()).isEqualTo(server.spanId());
    assertThat(send.span().getKind().name()).isEqualTo("SPAN_KIND_PRODUCER");
    assertThat(process.parentSpanId()).isEqualTo(send.spanId());
    assertThat(process.span().getKind().name()).isEqualTo("SPAN_KIND_CONSUMER");
    assertThat(followUp.parentSpanId()).isEqualTo(process.spanId());
    assertThat(processFollowUp.parentSpanId()).isEqualTo(followUp.spanId());
    // One SDK: the application's, whose resource every span carries.
    assertThat(List.of(server, send, process, followUp, processFollowUp))
        .allSatisfy(s -> assertThat(s.resource()).containsEntry("service.name", "sbom-service"));
  }

  @Test
  @Order(2)
  void theScheduledJobStartsItsOwnRootTrace() {
    app.getBean(DailyVulnMatch.class).run(); // what the scheduler calls
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(otlp.spans())
                    .filteredOn(s -> s.name().equals("process " + vulnQueue))
                    .hasSize(2));
    List<ReceivedSpan> spans = otlp.spans();
    ReceivedSpan root =
        spans.stream().filter(s -> s.name().equals("daily-vuln-match")).findFirst().orElseThrow();
    assertThat(root.parentSpanId()).isEmpty();
    assertThat(root.traceId()).isNotEqualTo(TRACE_ID);
    List<ReceivedSpan> sends =
        spans.stream().filter(s -> s.name().equals(sendVerb() + " " + vulnQueue)).toList();
    assertThat(sends)
        .hasSize(2)
        .allSatisfy(s -> assertThat(s.parentSpanId()).isEqualTo(root.spanId()));
    assertThat(spans)
        .filteredOn(s -> s.name().equals("process " + vulnQueue))
        .extracting(ReceivedSpan::parentSpanId)
        .containsExactlyInAnyOrderElementsOf(sends.stream().map(ReceivedSpan::spanId).toList());
  }

  @Test
  @Order(3)
  void theSdksMetricsAreWhereTheApplicationsMetricsAre() {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              String metrics =
                  get(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).body();
              assertThat(metrics)
                  .contains("messaging_client_sent_messages")
                  .contains("messaging_process_duration")
                  .contains("http_server_request");
            });
  }

  @Test
  @Order(4)
  void readinessIsUpThenDownWhenTheBrokerGoesAway() throws Exception {
    HttpResponse<String> up = get(url(app, "/actuator/health/readiness"));
    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(up.body()).contains("\"jobCommon\"").contains("\"UP\"");
    assertThat(get(url(app, "/actuator/health")).body())
        .contains(sbomQueue)
        .contains(componentQueue);

    proxy.cut();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              HttpResponse<String> down = get(url(app, "/actuator/health/readiness"));
              assertThat(down.statusCode()).isEqualTo(503);
              assertThat(down.body()).contains("\"DOWN\"");
            });
    // Liveness stays up: the connection recovers on its own when the broker is back.
    assertThat(get(url(app, "/actuator/health/liveness")).statusCode()).isEqualTo(200);
  }

  @Test
  @Order(5)
  void shutdownLetsRunningHandlersFinishAndReleasesTheRest() throws Exception {
    SlowWorker.reset();
    ConfigurableApplicationContext worker =
        start(
            brokerPort(),
            Map.of("otel.metrics.exporter", "none"),
            SpringExampleApplication.class,
            SlowWorker.class);
    var client = worker.getBean(io.jobcommon.messaging.MessageClient.class);
    for (String org : List.of("a", "b", "c")) {
      client.send(slowQueue, new Messages.MatchRequest(org));
    }
    assertThat(SlowWorker.STARTED.await(30, TimeUnit.SECONDS)).isTrue();
    URI health = url(worker, "/actuator/health");
    Thread closer = new Thread(worker::close, "test-close");
    closer.start();
    // The web server stops first; the handler is still running.
    await().atMost(Duration.ofSeconds(20)).until(() -> refused(health));
    assertThat(closer.isAlive()).isTrue();
    assertThat(SlowWorker.FINISHED).isEmpty();
    SlowWorker.RELEASE.countDown();
    closer.join(60_000);
    assertThat(closer.isAlive()).isFalse();
    assertThat(SlowWorker.FINISHED).hasSize(1);
    // Nothing lost: the two messages never started are back in the queue.
    await().atMost(Duration.ofSeconds(30)).until(() -> depth(slowQueue) == 2);
  }

  private boolean refused(URI uri) {
    try {
      get(uri);
      return false;
    } catch (IOException e) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static URI url(ConfigurableApplicationContext ctx, String path) {
    int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private ReceivedSpan only(java.util.function.Predicate<ReceivedSpan> which) {
    List<ReceivedSpan> found =
        otlp.spans().stream().filter(s -> s.traceId().equals(TRACE_ID)).filter(which).toList();
    assertThat(found).as("in %s", otlp.spans()).hasSize(1);
    return found.get(0);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
