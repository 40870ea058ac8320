package io.jobcommon.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcommon.messaging.JobContext;
import io.jobcommon.messaging.MessageClient;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * With Spring Boot's own OpenTelemetry support ({@code spring-boot-starter-opentelemetry}, spans
 * through Micrometer's tracing bridge), the SDK uses Boot's SDK: the Spring MVC SERVER span, the
 * send's PRODUCER span, the worker's CONSUMER span and its follow-up send are one trace; the SDK's
 * metrics are on {@code /actuator/prometheus} next to Micrometer's.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "jobcommon.broker=in-memory",
      "management.tracing.sampling.probability=1.0",
      "management.endpoints.web.exposure.include=prometheus",
      "spring.main.banner-mode=off"
    })
class BootOpenTelemetryTest {
  static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String PARENT_ID = "00f067aa0ba902b7";

  record Ping(String id) {}

  @SpringBootApplication
  static class App {
    @Bean
    InMemorySpanExporter exporter() {
      return InMemorySpanExporter.create(); // Boot adds every SpanExporter bean to its SDK
    }

    @Bean
    Api api(MessageClient client) {
      return new Api(client);
    }

    @Bean
    Worker worker() {
      return new Worker();
    }
  }

  @RestController
  static class Api {
    private final MessageClient client;

    Api(MessageClient client) {
      this.client = client;
    }

    @PostMapping("/ping")
    String ping() {
      return client.send("pings", new Ping("p1"));
    }
  }

  static class Worker {
    @JobListener(queue = "pings")
    void handle(Ping ping, JobContext ctx) {
      ctx.client().send("pongs", ping);
    }
  }

  @Autowired InMemorySpanExporter exporter;
  @Autowired OpenTelemetry bootOpenTelemetry;
  @Autowired io.jobcommon.job.JobRuntime runtime;
  @LocalServerPort int port;

  @Test
  void theRequestTheSendAndTheWorkerAreOneTraceOnBootsSdk() throws Exception {
    assertThat(bootOpenTelemetry).isInstanceOf(OpenTelemetrySdk.class);
    assertThat(runtime.openTelemetry()).isSameAs(bootOpenTelemetry);
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ping"))
                    .header("traceparent", "00-" + TRACE_ID + "-" + PARENT_ID + "-01")
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(exporter.getFinishedSpanItems())
                    .anyMatch(s -> s.getName().equals("send pongs")));
    List<SpanData> spans = exporter.getFinishedSpanItems();
    SpanData server = one(spans, s -> s.getKind() == SpanKind.SERVER);
    SpanData send = one(spans, s -> s.getName().equals("send pings"));
    SpanData process = one(spans, s -> s.getName().equals("process pings"));
    SpanData followUp = one(spans, s -> s.getName().equals("send pongs"));
    assertThat(server.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(server.getParentSpanId()).isEqualTo(PARENT_ID);
    assertThat(send.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(process.getParentSpanId()).isEqualTo(send.getSpanId());
    assertThat(followUp.getParentSpanId()).isEqualTo(process.getSpanId());
    assertThat(List.of(send, process, followUp)).allMatch(s -> s.getTraceId().equals(TRACE_ID));

    // The SDK's metrics are on the application's metrics endpoint, next to Micrometer's.
    String metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics)
        .contains("messaging_client_sent_messages_total{")
        .contains("messaging_process_duration_seconds_count{")
        .contains("messaging_destination_name=\"pings\"")
        .contains("http_server_requests_seconds_count{");
  }

  private static SpanData one(List<SpanData> spans, java.util.function.Predicate<SpanData> which) {
    List<SpanData> found = spans.stream().filter(which).toList();
    assertThat(found).as("in %s", spans).hasSize(1);
    return found.get(0);
  }
}
