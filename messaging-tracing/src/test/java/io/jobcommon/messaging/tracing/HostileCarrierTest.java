package io.jobcommon.messaging.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.jobcommon.testfixtures.InMemoryTelemetry;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/** Malformed and hostile carriers: a new root, a counter, and never an exception. */
class HostileCarrierTest {
  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final String SPAN = "b7ad6b7169203331";
  private static final String VALID = "00-" + TRACE + "-" + SPAN + "-01";
  private static final String XRAY_VALID =
      "Root=1-0af76519-16cd43dd8448eb211c80319c;Parent=" + SPAN + ";Sampled=1";

  private InMemoryTelemetry otel;
  private TracingDeliveryHandler handler;

  @BeforeEach
  void setUp() {
    otel = new InMemoryTelemetry();
    handler = handler(otel);
  }

  @AfterEach
  void tearDown() {
    otel.close();
  }

  private static TracingDeliveryHandler handler(InMemoryTelemetry otel) {
    TelemetryConfig config = MessagingTelemetry.create(otel.sdk()).config();
    return new TracingDeliveryHandler(
        d -> d.ack(), config, new ContextExtractor(config), "aws_sqs", "q");
  }

  static Stream<Arguments> badCarriers() {
    String big = "a".repeat(10_000);
    return Stream.of(
        // traceparent header
        bad("empty traceparent", h("traceparent", ""), "{}"),
        bad("traceparent too short", h("traceparent", VALID.substring(0, 54)), "{}"),
        bad("version 00 with trailing data", h("traceparent", VALID + "-extra"), "{}"),
        bad(
            "bad hex in trace id",
            h("traceparent", "00-" + TRACE.replace('a', 'g') + "-" + SPAN + "-01"),
            "{}"),
        bad(
            "uppercase hex",
            h("traceparent", "00-" + TRACE.toUpperCase() + "-" + SPAN + "-01"),
            "{}"),
        bad(
            "all-zero trace id",
            h("traceparent", "00-" + "0".repeat(32) + "-" + SPAN + "-01"),
            "{}"),
        bad(
            "all-zero span id",
            h("traceparent", "00-" + TRACE + "-" + "0".repeat(16) + "-01"),
            "{}"),
        bad("version ff", h("traceparent", "ff-" + TRACE + "-" + SPAN + "-01"), "{}"),
        bad("version not hex", h("traceparent", "zz-" + TRACE + "-" + SPAN + "-01"), "{}"),
        bad("flags not hex", h("traceparent", "00-" + TRACE + "-" + SPAN + "-0g"), "{}"),
        bad("underscores for dashes", h("traceparent", VALID.replace('-', '_')), "{}"),
        bad(
            "fields split wrongly",
            h("traceparent", "00-" + TRACE.substring(1) + "-" + SPAN + "a-01"),
            "{}"),
        bad(
            "newline inside",
            h("traceparent", VALID.substring(0, 20) + "\n" + VALID.substring(21)),
            "{}"),
        bad(
            "NUL inside",
            h("traceparent", VALID.substring(0, 10) + "\0" + VALID.substring(11)),
            "{}"),
        bad("non-ASCII", h("traceparent", VALID.substring(0, 54) + "é"), "{}"),
        bad("leading space", h("traceparent", " " + VALID), "{}"),
        bad("huge traceparent", h("traceparent", "00-" + big), "{}"),
        bad("the string null", h("traceparent", "null"), "{}"),
        bad("a JSON object as value", h("traceparent", "{\"a\":1}"), "{}"),
        bad("a byte[] header stringified (wrong type)", h("traceparent", "[B@1b6d3586"), "{}"),
        bad("capitalized key, bad value", h("Traceparent", "00-xyz"), "{}"),
        bad("huge tracestate", h("traceparent", VALID, "tracestate", "k=" + big), "{}"),
        bad(
            "tracestate with control character",
            h("traceparent", VALID, "tracestate", "k=v\u0007"),
            "{}"),
        bad("huge baggage", h("traceparent", VALID, "baggage", "k=" + big), "{}"),
        bad(
            "baggage with CRLF injection",
            h("traceparent", VALID, "baggage", "k=v\r\nX-Evil: 1"),
            "{}"),
        // the body's traceContext (TypeScript job-common style)
        bad("traceContext is a string", Map.of(), "{\"traceContext\":\"" + VALID + "\"}"),
        bad("traceContext is a number", Map.of(), "{\"traceContext\":42}"),
        bad("traceContext is an array", Map.of(), "{\"traceContext\":[\"" + VALID + "\"]}"),
        bad("traceparent is a number", Map.of(), "{\"traceContext\":{\"traceparent\":1}}"),
        bad("traceparent is an object", Map.of(), "{\"traceContext\":{\"traceparent\":{}}}"),
        bad("traceparent is a boolean", Map.of(), "{\"traceContext\":{\"traceparent\":true}}"),
        bad(
            "traceContext without traceparent",
            Map.of(),
            "{\"traceContext\":{\"tracestate\":\"a=b\"}}"),
        bad(
            "body traceparent all zero",
            Map.of(),
            "{\"traceContext\":{\"traceparent\":\"00-" + "0".repeat(32) + "-" + SPAN + "-01\"}}"),
        bad(
            "body traceparent huge",
            Map.of(),
            "{\"traceContext\":{\"traceparent\":\"" + big + "\"}}"),
        bad(
            "body tracestate huge",
            Map.of(),
            "{\"traceContext\":{\"traceparent\":\""
                + VALID
                + "\",\"tracestate\":\""
                + big
                + "\"}}"),
        bad(
            "body traceparent with escaped control char",
            Map.of(),
            "{\"traceContext\":{\"traceparent\":\"" + VALID.substring(0, 54) + "\\u0000\"}}"),
        // AWSTraceHeader (X-Ray)
        bad("X-Ray garbage", h("AWSTraceHeader", "Root=1-xyz"), "{}"),
        bad(
            "X-Ray all zero",
            h(
                "AWSTraceHeader",
                "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=1"),
            "{}"),
        bad("X-Ray with control character", h("AWSTraceHeader", XRAY_VALID + "\u001b[31m"), "{}"),
        bad("X-Ray huge", h("AWSTraceHeader", XRAY_VALID + ";" + big), "{}"),
        // not carriers at all: still a new root, nothing to count
        notCounted("truncated JSON", Map.of(), "{\"traceContext\":{\"traceparent\":\"" + VALID),
        notCounted("deeply nested JSON", Map.of(), "[".repeat(5_000)),
        notCounted("binary body", Map.of(), "\u0000\u0001\u0002{"),
        notCounted("traceContext null", Map.of(), "{\"traceContext\":null}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badCarriers")
  void aBadCarrierGivesANewRootAndNoException(
      String name, Map<String, String> headers, String body, boolean counted) {
    StubDelivery delivery = StubDelivery.of("q", headers, body.getBytes(StandardCharsets.UTF_8));

    assertThatCode(() -> handler.handle(delivery)).doesNotThrowAnyException();

    SpanData process = otel.onlySpan("process q");
    assertThat(process.getParentSpanContext().isValid()).as("has no parent").isFalse();
    assertThat(process.getLinks()).as("links nothing").isEmpty();
    assertThat(process.getTraceId()).isNotEqualTo(TRACE);
    assertThat(delivery.settledAs).isEqualTo("ack");
    assertThat(otel.counter("jc.trace_context.invalid")).isEqualTo(counted ? 1 : 0);
  }

  static Stream<Arguments> goodCarriers() {
    return Stream.of(
        Arguments.of("W3C header", h("traceparent", VALID), "{}"),
        Arguments.of(
            "flags 03 (W3C level 2)", h("traceparent", "00-" + TRACE + "-" + SPAN + "-03"), "{}"),
        Arguments.of(
            "a future version with more fields",
            h("traceparent", "01-" + TRACE + "-" + SPAN + "-01-what-ever"),
            "{}"),
        Arguments.of(
            "body",
            Map.of(),
            "{\"a\":[1,{\"traceContext\":0}],\"traceContext\":{\"traceparent\":\""
                + VALID
                + "\"}}"),
        Arguments.of(
            "body, uppercase and padded",
            Map.of(),
            "{\"traceContext\":{\"traceparent\":\" " + VALID.toUpperCase() + " \"}}"),
        Arguments.of("AWSTraceHeader", h("AWSTraceHeader", XRAY_VALID), "{}"),
        Arguments.of(
            "bad header, good body",
            h("traceparent", "garbage"),
            "{\"traceContext\":{\"traceparent\":\"" + VALID + "\"}}"),
        Arguments.of(
            "bad body, good AWSTraceHeader",
            h("AWSTraceHeader", XRAY_VALID),
            "{\"traceContext\":7}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goodCarriers")
  void aGoodCarrierIsContinuedEvenBehindABadOne(
      String name, Map<String, String> headers, String body) {
    handler.handle(StubDelivery.of("q", headers, body.getBytes(StandardCharsets.UTF_8)));
    SpanData process = otel.onlySpan("process q");
    assertThat(process.getTraceId()).isEqualTo(TRACE);
    assertThat(process.getParentSpanId()).isEqualTo(SPAN);
    assertThat(process.getLinks().get(0).getSpanContext().getSpanId()).isEqualTo(SPAN);
  }

  @Test
  void flags03AreSampledByAParentBasedSampler() {
    try (InMemoryTelemetry strict =
        new InMemoryTelemetry(Sampler.parentBased(Sampler.alwaysOff()), null)) {
      TracingDeliveryHandler h = handler(strict);
      h.handle(
          StubDelivery.of("q", h("traceparent", "00-" + TRACE + "-" + SPAN + "-03"), new byte[0]));
      h.handle(
          StubDelivery.of("q", h("traceparent", "00-" + TRACE + "-" + SPAN + "-00"), new byte[0]));
      assertThat(strict.spans()).hasSize(1); // 03 sampled, 00 not
    }
  }

  @Test
  void warningsAreRateLimitedButEveryInvalidContextIsCounted() {
    Logger logger = (Logger) LoggerFactory.getLogger(ContextExtractor.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    try {
      for (int i = 0; i < 100; i++) {
        handler.handle(StubDelivery.of("q", h("traceparent", "bad\n" + i), new byte[0]));
      }
    } finally {
      logger.detachAppender(logs);
    }
    assertThat(otel.counter("jc.trace_context.invalid")).isEqualTo(100);
    assertThat(logs.list).hasSize(1);
    assertThat(logs.list.get(0).getFormattedMessage())
        .contains("queue q")
        .doesNotContain("bad\n"); // the hostile value itself is never logged
  }

  @Test
  void theRateLimitLetsOneWarningThroughPerIntervalAndCountsTheRest() {
    long[] now = {0};
    RateLimitedWarning warning = new RateLimitedWarning(Duration.ofSeconds(60), () -> now[0]);
    assertThat(warning.tryAcquire()).isEqualTo(0);
    assertThat(warning.tryAcquire()).isEqualTo(-1);
    assertThat(warning.tryAcquire()).isEqualTo(-1);
    now[0] = Duration.ofSeconds(59).toNanos();
    assertThat(warning.tryAcquire()).isEqualTo(-1);
    now[0] = Duration.ofSeconds(60).toNanos();
    assertThat(warning.tryAcquire()).isEqualTo(3);
  }

  private static Arguments bad(String name, Map<String, String> headers, String body) {
    return Arguments.of(name, headers, body, true);
  }

  private static Arguments notCounted(String name, Map<String, String> headers, String body) {
    return Arguments.of(name, headers, body, false);
  }

  private static Map<String, String> h(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
