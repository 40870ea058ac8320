package io.jobcommon.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcommon.job.OtlpReceiver;
import io.jobcommon.job.OtlpReceiver.ReceivedSpan;
import io.jobcommon.messaging.sqs.ElasticMq;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The examples' API service and {@code job-sbom-process} worker, each in its own JVM under the
 * OpenTelemetry Java agent 2.33.1, on RabbitMQ and on SQS (ElasticMQ), exporting OTLP to this test:
 * an upload sent inside the agent's HTTP SERVER span is one trace, span by span, with exactly one
 * SDK PRODUCER span per message (the agent's own is suppressed) and, with the README's recipe,
 * exactly one CONSUMER span per message.
 */
class AgentTraceIT {
  @RegisterExtension static final ElasticMq sqs = new ElasticMq();

  static final String RECIPE_AWS = "OTEL_INSTRUMENTATION_AWS_SDK_ENABLED";
  static final String RECIPE_RABBITMQ = "OTEL_INSTRUMENTATION_RABBITMQ_ENABLED";
  private static final String COMPONENTS =
      "{\"components\":[{\"name\":\"a\",\"version\":\"1\"},{\"name\":\"b\",\"version\":\"2\"},"
          + "{\"name\":\"c\",\"version\":\"3\"}]}";

  private OtlpReceiver receiver;
  private String suffix;

  @BeforeEach
  void setUp() throws IOException {
    receiver = new OtlpReceiver();
    suffix = "-agent-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void tearDown() {
    receiver.close();
    TestQueues.delete(suffix);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("rabbitmq", false),
        Arguments.of("rabbitmq", true),
        Arguments.of("sqs", false),
        Arguments.of("sqs", true));
  }

  @ParameterizedTest(name = "{0}, README recipe: {1}")
  @MethodSource("cases")
  void anUploadUnderTheAgentIsOneTraceWithOneSdkProducerAndConsumerPerMessage(
      String broker, boolean recipe) throws Exception {
    String sbomQueue = "sbom-process-queue" + suffix;
    String componentQueue = "component-process-queue" + suffix;
    int apiPort = freePort();
    Map<String, String> env = environment(broker, recipe);
    Map<String, String> apiEnv = new HashMap<>(env);
    apiEnv.put("OTEL_SERVICE_NAME", "api-service");
    apiEnv.put("API_PORT", String.valueOf(apiPort));
    Map<String, String> workerEnv = new HashMap<>(env);
    workerEnv.put("OTEL_SERVICE_NAME", "job-sbom-process");
    int healthPort = freePort();
    workerEnv.put("JOB_HEALTH_PORT", String.valueOf(healthPort));
    String mode = broker + (recipe ? "-recipe" : "-defaults") + suffix;

    String traceId = hex(32);
    String browserSpanId = hex(16);
    try (AgentJvm worker =
            AgentJvm.start("worker-" + mode, AgentWorkerMain.class, true, workerEnv);
        AgentJvm api = AgentJvm.start("api-" + mode, AgentApiMain.class, true, apiEnv)) {
      awaitUp(worker, "http://127.0.0.1:" + healthPort + "/health");
      awaitListening(api, apiPort);

      upload(apiPort, COMPONENTS, "00-" + traceId + "-" + browserSpanId + "-01");

      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> sdkSpans(componentQueue, SpanKind.SPAN_KIND_PRODUCER).size() == 2);
      assertThat(api.stop()).as(api.output()).isZero(); // the agent flushes at exit
      assertThat(worker.stop()).as(worker.output()).isZero();

      Trace trace = new Trace(receiver.spans(), traceId);
      ReceivedSpan server = trace.only(SpanKind.SPAN_KIND_SERVER);
      assertThat(server.parentSpanId()).isEqualTo(browserSpanId);
      assertThat(server.resource()).containsEntry("service.name", "api-service");

      // The API: the SDK's PRODUCER span is the only one for the message, the SERVER span's child.
      List<ReceivedSpan> producers = messagingSpans(sbomQueue, SpanKind.SPAN_KIND_PRODUCER);
      assertThat(producers).as(summary()).hasSize(1);
      ReceivedSpan send = producers.get(0);
      assertThat(send.name())
          .isEqualTo(("rabbitmq".equals(broker) ? "publish " : "send ") + sbomQueue);
      assertThat(send.traceId()).isEqualTo(traceId);
      assertThat(send.parentSpanId()).isEqualTo(server.spanId());
      assertThat(send.attributes()).doesNotContainKey("jc.trace_context.injected");

      // The worker: the SDK's CONSUMER span continues the producer's, and is the handler's span.
      List<ReceivedSpan> sdkConsumers = sdkSpans(sbomQueue, SpanKind.SPAN_KIND_CONSUMER);
      assertThat(sdkConsumers).as(summary()).hasSize(1);
      ReceivedSpan process = sdkConsumers.get(0);
      assertThat(process.traceId()).isEqualTo(traceId);
      assertThat(process.parentSpanId()).isEqualTo(send.spanId());
      assertThat(process.resource()).containsEntry("service.name", "job-sbom-process");
      assertThat(sdkSpans(componentQueue, SpanKind.SPAN_KIND_PRODUCER))
          .hasSize(2)
          .allSatisfy(
              s -> {
                assertThat(s.traceId()).isEqualTo(traceId);
                assertThat(s.parentSpanId()).isEqualTo(process.spanId());
              });

      // CONSUMER spans per message: the SDK's alone with the recipe; with the agent's defaults the
      // agent's own ('<queue> process', also a child of the SDK's PRODUCER) beside it.
      List<ReceivedSpan> consumers = messagingSpans(sbomQueue, SpanKind.SPAN_KIND_CONSUMER);
      assertThat(consumers).as(summary()).hasSize(recipe ? 1 : 2);
      assertThat(consumers).allSatisfy(c -> assertThat(c.parentSpanId()).isEqualTo(send.spanId()));
      System.out.printf(
          "span counts per message (%s, README recipe: %s): PRODUCER %d, CONSUMER %d; all spans of"
              + " the trace: %s; CLIENT spans: %s%n",
          broker,
          recipe,
          producers.size(),
          consumers.size(),
          trace.countsByKind(),
          trace.names(SpanKind.SPAN_KIND_CLIENT));

      assertThat(api.output())
          .contains("OpenTelemetry: the OpenTelemetry Java agent's")
          .doesNotContain("cannot be made current");
      String workerLog = worker.output();
      assertThat(workerLog)
          .contains("OpenTelemetry: the OpenTelemetry Java agent's")
          .doesNotContain("left an OpenTelemetry scope open")
          .doesNotContain("cannot be made current");
      if (recipe) {
        assertThat(workerLog).doesNotContain("own messaging instrumentation is on");
      } else {
        assertThat(workerLog).contains(RECIPE_AWS + "=false").contains(RECIPE_RABBITMQ + "=false");
      }
    }
  }

  private Map<String, String> environment(String broker, boolean recipe) {
    Map<String, String> env = new HashMap<>();
    env.put("QUEUE_SUFFIX", suffix);
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
    env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
    env.put("OTEL_METRICS_EXPORTER", "none");
    env.put("OTEL_LOGS_EXPORTER", "none");
    env.put("OTEL_BSP_SCHEDULE_DELAY", "200");
    if (recipe) {
      env.put(RECIPE_AWS, "false");
      env.put(RECIPE_RABBITMQ, "false");
    }
    env.putAll(brokerEnvironment(broker, sqs.endpoint()));
    return env;
  }

  /**
   * What every agent JVM of these tests gets: the broker, the queue suffix, OTLP to the receiver
   * (traces only, flushed every 200 ms).
   */
  static Map<String, String> jvmEnvironment(
      String broker, URI sqsEndpoint, String suffix, OtlpReceiver receiver) {
    Map<String, String> env = new HashMap<>(brokerEnvironment(broker, sqsEndpoint));
    env.put("QUEUE_SUFFIX", suffix);
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
    env.put("OTEL_METRICS_EXPORTER", "none");
    env.put("OTEL_LOGS_EXPORTER", "none");
    env.put("OTEL_BSP_SCHEDULE_DELAY", "200");
    return env;
  }

  /**
   * POSTs an SBOM upload to the API JVM, with the browser's traceparent when given; expects 202.
   */
  static void upload(int apiPort, String body, @Nullable String traceparent) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + apiPort + "/api/sboms/upload?orgId=acme"))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(30));
    if (traceparent != null) {
      request.header("traceparent", traceparent);
    }
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
  }

  static Map<String, String> brokerEnvironment(String broker, URI sqsEndpoint) {
    if ("rabbitmq".equals(broker)) {
      return Map.of("MESSAGING_BROKER", "rabbitmq", "RABBITMQ_URL", TestQueues.rabbitUrl());
    }
    return Map.of(
        "MESSAGING_BROKER", "sqs",
        "SQS_ENDPOINT", sqsEndpoint.toString(),
        "AWS_REGION", "us-east-1",
        "SQS_AUTO_CREATE_QUEUES", "true",
        "AWS_ACCESS_KEY_ID", "test",
        "AWS_SECRET_ACCESS_KEY", "test");
  }

  /** Spans of the SDK (named "{operation} {queue}") for {@code queue} of {@code kind}. */
  private List<ReceivedSpan> sdkSpans(String queue, SpanKind kind) {
    return receiver.spans().stream()
        .filter(s -> s.span().getKind() == kind)
        .filter(s -> s.name().endsWith(" " + queue) && !s.name().startsWith(queue))
        .toList();
  }

  /**
   * Every span of {@code kind} about {@code queue}, by anyone: its name or an attribute says so.
   */
  private List<ReceivedSpan> messagingSpans(String queue, SpanKind kind) {
    return receiver.spans().stream()
        .filter(s -> s.span().getKind() == kind)
        .filter(s -> s.name().contains(queue) || s.attributes().containsValue(queue))
        .toList();
  }

  private String summary() {
    StringBuilder b = new StringBuilder("spans received:");
    for (ReceivedSpan s : receiver.spans()) {
      b.append("\n  ")
          .append(s.resource().get("service.name"))
          .append(' ')
          .append(s.span().getKind())
          .append(" '")
          .append(s.name())
          .append("' trace=")
          .append(s.traceId())
          .append(" span=")
          .append(s.spanId())
          .append(" parent=")
          .append(s.parentSpanId());
    }
    return b.toString();
  }

  static void awaitUp(AgentJvm jvm, String health) {
    HttpClient http = HttpClient.newHttpClient();
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .failFast("the JVM exited:\n" + "see target/agent-logs", () -> !jvm.isAlive())
        .until(
            () -> {
              try {
                return http.send(
                            HttpRequest.newBuilder(URI.create(health)).build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    == 200;
              } catch (IOException e) {
                return false;
              }
            });
  }

  static void awaitListening(AgentJvm jvm, int port) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .failFast("the JVM exited; see target/agent-logs", () -> !jvm.isAlive())
        .until(
            () -> {
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return true;
              } catch (IOException e) {
                return false;
              }
            });
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static String hex(int length) {
    String s =
        UUID.randomUUID().toString().replace("-", "")
            + UUID.randomUUID().toString().replace("-", "");
    return s.substring(0, length);
  }

  /** The spans of one trace. */
  record Trace(List<ReceivedSpan> all, String traceId) {
    ReceivedSpan only(SpanKind kind) {
      List<ReceivedSpan> found =
          all.stream()
              .filter(s -> s.traceId().equals(traceId) && s.span().getKind() == kind)
              .toList();
      assertThat(found).as("%s spans of trace %s", kind, traceId).hasSize(1);
      return found.get(0);
    }

    List<String> names(SpanKind kind) {
      return all.stream()
          .filter(s -> s.traceId().equals(traceId) && s.span().getKind() == kind)
          .map(s -> s.resource().get("service.name") + ":" + s.name())
          .sorted()
          .toList();
    }

    Map<SpanKind, Long> countsByKind() {
      Map<SpanKind, Long> counts = new java.util.TreeMap<>();
      all.stream()
          .filter(s -> s.traceId().equals(traceId))
          .forEach(s -> counts.merge(s.span().getKind(), 1L, Long::sum));
      return counts;
    }
  }
}
