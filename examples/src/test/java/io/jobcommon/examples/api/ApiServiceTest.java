package io.jobcommon.examples.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcommon.examples.domain.Queues;
import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.testing.InMemoryMessage;
import io.jobcommon.messaging.testing.InMemoryTransport;
import io.jobcommon.messaging.tracing.MessagingTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The upload endpoint on the in-memory broker, with a real SDK recording spans. */
class ApiServiceTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_ID = "00f067aa0ba902b7";
  private static final String SBOM =
      "{\"bomFormat\":\"CycloneDX\",\"components\":[{\"type\":\"library\",\"name\":\"log4j-core\","
          + "\"version\":\"2.14.1\",\"purl\":\"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1\"}]}";

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
          .build();
  private final InMemoryTransport broker = InMemoryTransport.create();
  private final MessageClient client =
      MessageClient.create(MessagingTelemetry.create(otel).wrap(broker));
  private final ApiService api =
      ApiService.start(
          client, otel, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Queues.DEFAULT);
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void close() {
    api.close();
    broker.close();
    otel.close();
  }

  private HttpResponse<String> post(String query, String body, String traceparent)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(api.uploadUri() + query))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (traceparent != null) {
      b.header("traceparent", traceparent);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The SERVER span; it ends just after the response is written, so it may lag the client. */
  private SpanData server() {
    return await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getKind() == SpanKind.SERVER)
                    .findFirst(),
            Optional::isPresent)
        .orElseThrow();
  }

  @Test
  void uploadContinuesTheBrowsersTraceAndQueuesTheSbom() throws Exception {
    HttpResponse<String> response =
        post("?orgId=acme", SBOM, "00-" + TRACE_ID + "-" + PARENT_ID + "-01");

    assertThat(response.statusCode()).isEqualTo(202);
    List<InMemoryMessage> sent = broker.sentTo("sbom-process-queue");
    assertThat(sent).hasSize(1);
    assertThat(response.body()).contains("\"messageId\":\"" + sent.get(0).id() + "\"");
    assertThat(new String(sent.get(0).body(), StandardCharsets.UTF_8))
        .contains("\"orgId\":\"acme\"")
        .contains("{\"name\":\"log4j-core\",\"version\":\"2.14.1\"}");
    SpanData server = server();
    assertThat(server.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(server.getParentSpanId()).isEqualTo(PARENT_ID);
    assertThat(server.getName()).isEqualTo("POST /api/sboms/upload");
    assertThat(server.getAttributes().asMap().toString()).contains("http.response.status_code=202");
    SpanData send =
        spans.getFinishedSpanItems().stream()
            .filter(s -> s.getKind() == SpanKind.PRODUCER)
            .findFirst()
            .orElseThrow();
    assertThat(send.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(sent.get(0).headers().get("traceparent"))
        .isEqualTo("00-" + TRACE_ID + "-" + send.getSpanId() + "-01");
  }

  @Test
  void withoutTraceparentTheServerSpanStartsATrace() throws Exception {
    assertThat(post("?orgId=acme", SBOM, null).statusCode()).isEqualTo(202);
    assertThat(server().getParentSpanContext().isValid()).isFalse();
  }

  @Test
  void malformedTraceparentIsIgnored() throws Exception {
    assertThat(post("?orgId=acme", SBOM, "00-zz-" + PARENT_ID + "-01").statusCode()).isEqualTo(202);
    assertThat(server().getParentSpanContext().isValid()).isFalse();
  }

  @Test
  void badRequestsAreRefusedAndNothingIsQueued() throws Exception {
    assertThat(post("", SBOM, null).statusCode()).isEqualTo(400);
    assertThat(post("?orgId=acme", "not json", null).statusCode()).isEqualTo(400);
    assertThat(post("?orgId=acme", "{\"bomFormat\":\"CycloneDX\"}", null).statusCode())
        .isEqualTo(400);
    HttpResponse<String> get =
        http.send(
            HttpRequest.newBuilder(api.uploadUri()).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).contains("POST");
    assertThat(broker.sentTo("sbom-process-queue")).isEmpty();
  }

  @Test
  void aBrokerThatRefusesTheMessageGives503AndAnErrorSpan() throws Exception {
    broker.close(); // sends now fail with ClientClosedException
    HttpResponse<String> response = post("?orgId=acme", SBOM, null);
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(server().getStatus().getStatusCode())
        .isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
  }

  @Test
  void closeAnswersNewRequestsNoMore() throws Exception {
    api.close();
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(() -> post("?orgId=acme", SBOM, null)))
        .isInstanceOf(java.io.IOException.class);
  }
}
