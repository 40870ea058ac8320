package io.jobcommon.examples.demo;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * What the browser does: an upload request in a CLIENT span that starts a new trace, with the W3C
 * {@code traceparent} header the OpenTelemetry web SDK would send. Thread-safe.
 */
public final class WebApp {
  private final Tracer tracer;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A web app whose spans go to {@code openTelemetry} (its {@code service.name}: the web app). */
  public WebApp(OpenTelemetry openTelemetry) {
    this.tracer = Objects.requireNonNull(openTelemetry, "openTelemetry").getTracer("web-app");
  }

  /**
   * {@code POST uploadUri?orgId=orgId} with {@code sbomJson}, in a new root CLIENT span named after
   * the request.
   *
   * @return the response; its status is recorded on the span (ERROR from 400 on)
   */
  @SuppressWarnings("try") // the scope is only held open
  public HttpResponse<String> upload(URI uploadUri, String orgId, String sbomJson)
      throws IOException, InterruptedException {
    URI uri = URI.create(uploadUri + "?orgId=" + URLEncoder.encode(orgId, StandardCharsets.UTF_8));
    Span span =
        tracer
            .spanBuilder("POST " + uploadUri.getPath())
            .setSpanKind(SpanKind.CLIENT)
            .setNoParent()
            .setAttribute("http.request.method", "POST")
            .setAttribute("url.full", uri.toString())
            .startSpan();
    try (Scope ignored = span.makeCurrent()) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uri)
              .timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(sbomJson));
      W3CTraceContextPropagator.getInstance()
          .inject(Context.current(), request, (b, k, v) -> b.header(k, v));
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      span.setAttribute("http.response.status_code", (long) response.statusCode());
      if (response.statusCode() >= 400) {
        span.setStatus(StatusCode.ERROR);
      }
      return response;
    } catch (IOException | InterruptedException | RuntimeException e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR);
      throw e;
    } finally {
      span.end();
    }
  }
}
