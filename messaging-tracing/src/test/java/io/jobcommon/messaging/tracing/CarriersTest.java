package io.jobcommon.messaging.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Header lookups: exact name first, any case otherwise, and the cheap path changes no answer. */
class CarriersTest {
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private static Map<String, String> headers(String... namesAndValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      m.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return m;
  }

  @Test
  void lowerCaseAsciiNamesAreRecognised() {
    assertThat(Carriers.lowerAsciiNames(headers())).isTrue();
    assertThat(Carriers.lowerAsciiNames(headers("traceparent", "x", "jc-attempt", "2"))).isTrue();
    assertThat(Carriers.lowerAsciiNames(headers("traceparent", "x", "Tracestate", "y"))).isFalse();
    // A dotless i upper-cases to I, so it matches "traceparent" ignoring case: not the cheap path.
    assertThat(Carriers.lowerAsciiNames(headers("trace\u0131d", "x"))).isFalse();
  }

  @Test
  void bothPathsGiveTheSameAnswers() {
    for (Map<String, String> h :
        java.util.List.of(
            headers("traceparent", "a"),
            headers("Traceparent", "b"),
            headers("TRACEPARENT", "c", "traceparent", "d"),
            headers("x-other", "e"))) {
      boolean lower = Carriers.lowerAsciiNames(h);
      for (String name : new String[] {"traceparent", "tracestate", "X-Other"}) {
        assertThat(Carriers.header(h, name, lower))
            .as("%s in %s", name, h)
            .isEqualTo(Carriers.header(h, name, false));
      }
    }
    assertThat(Carriers.header(headers("TRACEPARENT", "c", "traceparent", "d"), "traceparent"))
        .isEqualTo("d"); // the exact name wins
  }

  @Test
  void aCapitalizedTraceparentIsExtractedThroughTheGetter() {
    Map<String, String> h = headers("Traceparent", TRACEPARENT, "x-user", "1");
    Context c =
        W3CTraceContextPropagator.getInstance()
            .extract(Context.root(), h, Carriers.getter(Carriers.lowerAsciiNames(h)));
    SpanContext sc = Span.fromContext(c).getSpanContext();
    assertThat(sc.getSpanId()).isEqualTo("00f067aa0ba902b7");
  }
}
