package io.jobcommon.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.jobcommon.job.OtlpReceiver;
import io.jobcommon.job.OtlpReceiver.ReceivedSpan;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged example under the OpenTelemetry Java agent, on RabbitMQ: OpenTelemetry's Spring Boot
 * starter steps aside, the starter of this SDK takes the agent's OpenTelemetry, and the agent's
 * Spring MVC SERVER span, the SDK's PRODUCER and CONSUMER spans are one trace with exact parents,
 * all from the agent's SDK (no second one).
 */
class AgentSpringExampleIT {
  static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  static final String PARENT_ID = "b7ad6b7169203331";

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String sbomQueue = "spring-agent-sbom-" + suffix;
  private final String componentQueue = "spring-agent-components-" + suffix;
  private final String vulnQueue = "spring-agent-vuln-" + suffix;
  private Process app;
  private OtlpReceiver otlp;

  @AfterEach
  void stop() throws Exception {
    if (app != null) {
      app.destroy(); // SIGTERM: Spring's graceful shutdown
      if (!app.waitFor(60, TimeUnit.SECONDS)) {
        app.destroyForcibly();
      }
    }
    if (otlp != null) {
      otlp.close();
    }
    ConnectionFactory cf = new ConnectionFactory();
    cf.setUri("amqp://guest:guest@127.0.0.1:5672/%2F");
    try (Connection c = cf.newConnection("spring-agent-it")) {
      for (String q : List.of(sbomQueue, componentQueue, vulnQueue)) {
        for (String name : List.of(q, q + "-dlq", q + ".delay.1000")) {
          try (Channel ch = c.createChannel()) {
            ch.queueDelete(name);
          }
        }
      }
    }
  }

  @Test
  void theAgentsOpenTelemetryCarriesOneTraceThroughTheQueue() throws Exception {
    otlp = new OtlpReceiver();
    int port = SpringExampleScenario.freePort();
    Path log = Files.createTempFile("spring-agent-app", ".log");
    app =
        new ProcessBuilder(
                javaBinary(),
                "-javaagent:" + System.getProperty("agent.jar"),
                "-Dotel.service.name=sbom-service-agent",
                "-Dotel.exporter.otlp.endpoint=" + otlp.endpoint(),
                "-Dotel.exporter.otlp.protocol=http/protobuf",
                "-Dotel.bsp.schedule.delay=100",
                "-Dotel.metrics.exporter=none",
                "-Dotel.logs.exporter=none",
                // The SDK's own spans are the messaging spans; the agent's client spans are off.
                "-Dotel.instrumentation.rabbitmq.enabled=false",
                "-jar",
                System.getProperty("example.jar"),
                // OpenTelemetry's Spring Boot starter stands down: the agent is the SDK.
                "--otel.sdk.disabled=true",
                "--server.port=" + port,
                "--server.address=127.0.0.1",
                "--jobcommon.broker=rabbitmq",
                "--jobcommon.rabbitmq.url=amqp://guest:guest@127.0.0.1:5672/%2F",
                "--jobcommon.rabbitmq.delay-tiers=1s",
                "--example.queues.sbom=" + sbomQueue,
                "--example.queues.components=" + componentQueue,
                "--example.queues.vuln-match=" + vulnQueue)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    HttpClient http = HttpClient.newHttpClient();
    URI readiness = URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness");
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> ready(http, readiness) || !app.isAlive());
    assertThat(app.isAlive()).as("the application started; its log: %s", log).isTrue();
    assertThat(Files.readString(log)).contains("job-common uses the global OpenTelemetry");

    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sboms"))
                .header("content-type", "application/json")
                .header("traceparent", "00-" + TRACE_ID + "-" + PARENT_ID + "-01")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sbomId\":\"s-9\",\"orgId\":\"o-9\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(otlp.spans())
                    .anyMatch(
                        s ->
                            s.traceId().equals(TRACE_ID)
                                && s.name().equals("process " + componentQueue)));

    ReceivedSpan server = only(s -> s.span().getKind().name().equals("SPAN_KIND_SERVER"));
    ReceivedSpan send = only(s -> s.name().equals("publish " + sbomQueue));
    ReceivedSpan process = only(s -> s.name().equals("process " + sbomQueue));
    ReceivedSpan followUp = only(s -> s.name().equals("publish " + componentQueue));
    ReceivedSpan processFollowUp = only(s -> s.name().equals("process " + componentQueue));
    assertThat(server.parentSpanId()).isEqualTo(PARENT_ID);
    assertThat(send.parentSpanId()).isEqualTo(server.spanId());
    assertThat(process.parentSpanId()).isEqualTo(send.spanId());
    assertThat(followUp.parentSpanId()).isEqualTo(process.spanId());
    assertThat(processFollowUp.parentSpanId()).isEqualTo(followUp.spanId());
    assertThat(List.of(server, send, process, followUp, processFollowUp))
        .allSatisfy(
            s ->
                assertThat(s.resource())
                    .containsEntry("service.name", "sbom-service-agent")
                    .containsEntry("telemetry.distro.name", "opentelemetry-java-instrumentation"));
  }

  private ReceivedSpan only(Predicate<ReceivedSpan> which) {
    List<ReceivedSpan> found =
        otlp.spans().stream().filter(s -> s.traceId().equals(TRACE_ID)).filter(which).toList();
    assertThat(found).as("in %s", otlp.spans()).hasSize(1);
    return found.get(0);
  }

  private static boolean ready(HttpClient http, URI uri) {
    try {
      return http.send(
                  HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String javaBinary() {
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }
}
