package io.jobcommon.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.messaging.JobConsumer;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** A broker outage makes the worker not ready, and it stays live. */
class ProbesTest {
  record Ping(String id) {}

  private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anOutageIsNotReadyButLive() throws Exception {
    HealthEndpointTest.BrokerWithHealth broker = new HealthEndpointTest.BrokerWithHealth();
    HttpClient http = HttpClient.newHttpClient();
    try (JobRuntime rt =
        JobRuntime.builder()
            .setTransport(broker)
            .setOpenTelemetry(OpenTelemetry.noop())
            .setHealthPort(0)
            .setRegisterShutdownHook(false)
            .build()) {
      rt.start(JobConsumer.of("pings", Ping.class, (p, ctx) -> {}));
      int port = rt.healthPort().getAsInt();
      assertThat(get(http, port, "/health/ready").statusCode()).isEqualTo(200);

      broker.healthy = false;
      HttpResponse<String> ready = get(http, port, "/health/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).startsWith("{\"status\":\"DOWN\"");
      HttpResponse<String> live = get(http, port, "/health/live");
      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(live.body()).isEqualTo("{\"status\":\"UP\"}");
      assertThat(get(http, port, "/health").statusCode()).isEqualTo(503);

      broker.healthy = true;
      assertThat(get(http, port, "/health/ready").statusCode()).isEqualTo(200);
    } finally {
      broker.close();
    }
  }
}
