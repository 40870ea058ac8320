package io.jobcommon.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.spi.ForwardingTransport;
import io.jobcommon.messaging.testing.InMemoryTransport;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The health endpoint reports the broker connection and the consumers as they are. */
class HealthEndpointTest {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final HttpClient http = HttpClient.newHttpClient();
  private OpenTelemetrySdk otel;
  private BrokerWithHealth broker;
  private JobRuntime runtime;

  record Ping(String id) {}

  /**
   * The seam: an in-memory broker whose connection health the test decides, since no real broker
   * can be made to drop its connection on cue here.
   */
  static final class BrokerWithHealth extends ForwardingTransport {
    final InMemoryTransport inner;
    volatile boolean healthy = true;

    BrokerWithHealth() {
      this(InMemoryTransport.create());
    }

    private BrokerWithHealth(InMemoryTransport inner) {
      super(inner);
      this.inner = inner;
    }

    @Override
    public boolean isHealthy() {
      return healthy && delegate().isHealthy();
    }
  }

  @BeforeEach
  void setUp() {
    otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .build();
    broker = new BrokerWithHealth();
    runtime =
        JobRuntime.builder()
            .setTransport(broker)
            .setOpenTelemetry(otel)
            .setHealthPort(0)
            .setRegisterShutdownHook(false)
            .build();
  }

  @AfterEach
  void tearDown() {
    runtime.close();
    broker.close();
    otel.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + runtime.healthPort().getAsInt() + path);
    return http.send(
        HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void upWhileTheBrokerIsHealthyAndEveryConsumerRuns() throws Exception {
    runtime.start(JobConsumer.of("pings", Ping.class, (p, ctx) -> {}));

    HttpResponse<String> response = get("/health");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.body())
        .isEqualTo(
            "{\"status\":\"UP\",\"broker\":{\"system\":\"in_memory\",\"healthy\":true},"
                + "\"consumers\":[{\"queue\":\"pings\",\"running\":true}]}");
    assertThat(runtime.isHealthy()).isTrue();
  }

  @Test
  void downWhenTheBrokerConnectionIsNot() throws Exception {
    runtime.start(JobConsumer.of("pings", Ping.class, (p, ctx) -> {}));
    broker.healthy = false;

    HttpResponse<String> response = get("/health");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body())
        .startsWith("{\"status\":\"DOWN\",\"broker\":{\"system\":\"in_memory\",\"healthy\":false}");
    assertThat(runtime.isHealthy()).isFalse();
  }

  @Test
  void downWhenAConsumerStoppedRunning() throws Exception {
    runtime.start(JobConsumer.of("pings", Ping.class, (p, ctx) -> {}));
    broker.inner.close(); // the subscriptions end with the broker

    HttpResponse<String> response = get("/health");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).contains("{\"queue\":\"pings\",\"running\":false}");
  }

  @Test
  void healthChecksNeverCreateSpans() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(get("/health").statusCode()).isEqualTo(200);
    }
    assertThat(get("/nope").statusCode()).isEqualTo(404);

    assertThat(spans.getFinishedSpanItems()).isEmpty();
  }
}
