package io.jobcommon.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcommon.examples.OtlpReceiver.ReceivedSpan;
import io.jobcommon.examples.api.ApiService;
import io.jobcommon.examples.demo.WebApp;
import io.jobcommon.examples.domain.Queues;
import io.jobcommon.examples.sbom.ComponentProcessJob;
import io.jobcommon.examples.sbom.SbomProcessJob;
import io.jobcommon.examples.vulnmatch.DailyVulnMatch;
import io.jobcommon.examples.vulnmatch.VulnerabilityMatchJob;
import io.jobcommon.job.JobRuntime;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The examples deployed as they would be, on one real broker: every role is a {@link JobRuntime}
 * configured from its environment only (broker variables, {@code SERVICE_NAME}, {@code
 * OTEL_EXPORTER_OTLP_ENDPOINT}) with the runtime's own OpenTelemetry SDK, exporting over OTLP/HTTP
 * (http/protobuf) to a receiver in this JVM. The web app is simulated with its own SDK and the OTLP
 * exporter. Subclasses name the broker.
 */
abstract class EndToEndScenario {
  private static final String SBOM =
      "{\"components\":[{\"name\":\"log4j-core\",\"version\":\"2.14.1\"},"
          + "{\"name\":\"slf4j-api\",\"version\":\"2.0.17\"},"
          + "{\"name\":\"commons-text\",\"version\":\"1.9\"}]}";

  private OtlpReceiver receiver;
  private final List<JobRuntime> runtimes = new ArrayList<>();
  private OpenTelemetrySdk webSdk;

  /** MESSAGING_BROKER and the broker's own variables. */
  protected abstract Map<String, String> brokerEnvironment();

  /** The queues of this test. */
  protected abstract Queues queues();

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = OtlpReceiver.start();
  }

  @AfterEach
  void stopAll() {
    runtimes.forEach(JobRuntime::close);
    if (webSdk != null) {
      webSdk.shutdown().join(10, TimeUnit.SECONDS);
    }
    receiver.close();
  }

  private JobRuntime role(String service) {
    Map<String, String> env = new HashMap<>(brokerEnvironment());
    env.put("SERVICE_NAME", service);
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
    env.put("OTEL_BSP_SCHEDULE_DELAY", "100");
    env.put("OTEL_METRIC_EXPORT_INTERVAL", "60000");
    JobRuntime runtime =
        JobRuntime.builder().setEnvironment(env).setRegisterShutdownHook(false).build();
    runtimes.add(runtime);
    return runtime;
  }

  @Test
  void uploadAndCronRunMakeTwoConnectedTracesThatArriveOverOtlp() throws Exception {
    Queues queues = queues();
    JobRuntime api = role("api-service");
    role("job-sbom-process").start(new SbomProcessJob(queues));
    role("job-component-process").start(new ComponentProcessJob(queues));
    role("job-vuln-match").start(new VulnerabilityMatchJob(queues));
    JobRuntime cron = role("job-daily-vuln-match");
    webSdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .setResource(
                        Resource.create(
                            Attributes.of(AttributeKey.stringKey("service.name"), "web-app")))
                    .addSpanProcessor(
                        SimpleSpanProcessor.create(
                            OtlpHttpSpanExporter.builder()
                                .setEndpoint(receiver.endpoint() + "/v1/traces")
                                .build()))
                    .build())
            .build();

    HttpResponse<String> response;
    try (ApiService service =
        ApiService.start(
            api.client(),
            api.openTelemetry(),
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            queues)) {
      response = new WebApp(webSdk).upload(service.uploadUri(), "acme", SBOM);
    }
    assertThat(response.statusCode()).isEqualTo(202);
    String messageId = new ObjectMapper().readTree(response.body()).get("messageId").asText();
    int cronExit =
        cron.runScheduled(
            DailyVulnMatch.NAME,
            new DailyVulnMatch(List.of("acme", "globex"), queues, Clock.systemUTC()));
    assertThat(cronExit).isZero();

    // 8 spans for the upload (client, server, send, process, 2 x send, 2 x process), 5 for cron.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(receiver.spans()).hasSizeGreaterThanOrEqualTo(13));
    List<ReceivedSpan> spans = receiver.spans();
    Map<String, List<ReceivedSpan>> traces =
        spans.stream().collect(Collectors.groupingBy(ReceivedSpan::traceId));
    assertThat(traces).hasSize(2);

    ReceivedSpan web = only(spans, "web-app", SpanKind.SPAN_KIND_CLIENT);
    assertThat(web.isRoot()).isTrue();
    assertThat(web.name()).isEqualTo("POST /api/sboms/upload");
    List<ReceivedSpan> upload = traces.get(web.traceId());
    assertThat(upload).hasSize(8);
    ReceivedSpan server = only(upload, "api-service", SpanKind.SPAN_KIND_SERVER);
    assertThat(server.parentSpanId()).isEqualTo(web.spanId());
    assertThat(server.attribute("http.response.status_code")).contains("202");
    ReceivedSpan send = only(upload, "api-service", SpanKind.SPAN_KIND_PRODUCER);
    assertThat(send.parentSpanId()).isEqualTo(server.spanId());
    assertThat(send.attribute("messaging.destination.name")).contains(queues.sbomProcess());
    assertThat(send.attribute("messaging.message.id")).contains(messageId);
    ReceivedSpan process = only(upload, "job-sbom-process", SpanKind.SPAN_KIND_CONSUMER);
    assertThat(process.parentSpanId()).isEqualTo(send.spanId());
    assertThat(process.attribute("jc.settlement")).contains("ack");
    List<ReceivedSpan> followUps = of(upload, "job-sbom-process", SpanKind.SPAN_KIND_PRODUCER);
    assertThat(followUps).hasSize(2);
    assertThat(followUps)
        .allSatisfy(
            f -> {
              assertThat(f.parentSpanId()).isEqualTo(process.spanId());
              assertThat(f.attribute("messaging.destination.name"))
                  .contains(queues.componentProcess());
            });
    List<ReceivedSpan> components =
        of(upload, "job-component-process", SpanKind.SPAN_KIND_CONSUMER);
    assertThat(components)
        .extracting(ReceivedSpan::parentSpanId)
        .containsExactlyInAnyOrderElementsOf(followUps.stream().map(ReceivedSpan::spanId).toList());

    ReceivedSpan run = only(spans, "job-daily-vuln-match", SpanKind.SPAN_KIND_INTERNAL);
    assertThat(run.isRoot()).isTrue();
    assertThat(run.name()).isEqualTo(DailyVulnMatch.NAME);
    assertThat(run.traceId()).isNotEqualTo(web.traceId());
    List<ReceivedSpan> cronTrace = traces.get(run.traceId());
    assertThat(cronTrace).hasSize(5);
    List<ReceivedSpan> matchSends =
        of(cronTrace, "job-daily-vuln-match", SpanKind.SPAN_KIND_PRODUCER);
    assertThat(matchSends)
        .hasSize(2)
        .allSatisfy(s -> assertThat(s.parentSpanId()).isEqualTo(run.spanId()));
    assertThat(of(cronTrace, "job-vuln-match", SpanKind.SPAN_KIND_CONSUMER))
        .extracting(ReceivedSpan::parentSpanId)
        .containsExactlyInAnyOrderElementsOf(
            matchSends.stream().map(ReceivedSpan::spanId).toList());
  }

  private static List<ReceivedSpan> of(List<ReceivedSpan> spans, String service, SpanKind kind) {
    return spans.stream().filter(s -> s.service().equals(service) && s.kind() == kind).toList();
  }

  private static ReceivedSpan only(List<ReceivedSpan> spans, String service, SpanKind kind) {
    List<ReceivedSpan> found = of(spans, service, kind);
    assertThat(found).as("%s spans of %s", kind, service).hasSize(1);
    return found.get(0);
  }
}
