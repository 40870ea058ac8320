package io.jobcommon.messaging.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.testing.InMemoryTransport;
import io.jobcommon.testfixtures.InMemoryTelemetry;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // scopes are held open for their side effect
class MessagingTelemetryTest {

  @Test
  void getTraceparentFormatsTheCurrentSpanAndIsEmptyWithoutOne() {
    assertThat(MessagingTelemetry.getTraceparent()).isEmpty();
    try (InMemoryTelemetry otel = new InMemoryTelemetry()) {
      Span span = otel.sdk().getTracer("t").spanBuilder("work").startSpan();
      try (Scope ignored = span.makeCurrent()) {
        assertThat(MessagingTelemetry.getTraceparent())
            .hasValue(
                "00-"
                    + span.getSpanContext().getTraceId()
                    + "-"
                    + span.getSpanContext().getSpanId()
                    + "-"
                    + span.getSpanContext().getTraceFlags().asHex());
      } finally {
        span.end();
      }
    }
  }

  @Test
  void workUnderANewRootContextStartsANewTraceWithoutTheAmbientBaggage() {
    try (InMemoryTelemetry otel = new InMemoryTelemetry()) {
      InMemoryTransport broker = InMemoryTransport.create();
      Transport transport = MessagingTelemetry.create(otel.sdk()).wrap(broker);
      Span request = otel.sdk().getTracer("t").spanBuilder("request").startSpan();
      try (Scope outer =
          Context.current()
              .with(request)
              .with(Baggage.builder().put("user", "u").build())
              .makeCurrent()) {
        try (Scope inner = MessagingTelemetry.newRootContext().makeCurrent()) {
          transport
              .send(
                  OutgoingMessage.builder("cron")
                      .setBody("{}".getBytes(StandardCharsets.UTF_8))
                      .build())
              .join();
        }
      } finally {
        request.end();
      }
      SpanData send = otel.onlySpan("send cron");
      assertThat(send.getParentSpanContext().isValid()).isFalse();
      assertThat(send.getTraceId()).isNotEqualTo(request.getSpanContext().getTraceId());
      assertThat(broker.sentTo("cron").get(0).headers()).doesNotContainKey("baggage");
      transport.close();
    }
  }
}
