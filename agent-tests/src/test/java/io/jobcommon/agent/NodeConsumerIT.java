package io.jobcommon.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.job.OtlpReceiver;
import io.jobcommon.job.OtlpReceiver.ReceivedSpan;
import io.jobcommon.messaging.sqs.ElasticMq;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Node.js worker with the official OpenTelemetry instrumentations ({@code src/test/node})
 * continues the trace of a message the SDK sent from the examples' API service under the
 * OpenTelemetry Java agent (default settings), inside the agent's HTTP SERVER span: on RabbitMQ the
 * amqplib instrumentation's {@code {queue} process} CONSUMER span is a child of the SDK's PRODUCER
 * span; on SQS the aws-sdk instrumentation's {@code {queue} receive} span has no parent and links
 * to the SDK's PRODUCER span.
 */
class NodeConsumerIT {
  @RegisterExtension static final ElasticMq sqs = new ElasticMq();

  private static String missingTool;
  private static NodeConsumer node;

  @BeforeAll
  static void installTheNodeConsumer() throws Exception {
    missingTool = NodeConsumer.missingTool();
    if (missingTool == null) {
      node = NodeConsumer.install();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"rabbitmq", "sqs"})
  void aNodeWorkerContinuesTheSdkProducersTrace(String broker) throws Exception {
    Assumptions.assumeTrue(missingTool == null, missingTool);
    String suffix = "-node-" + UUID.randomUUID().toString().substring(0, 8);
    String queue = "sbom-process-queue" + suffix;
    String traceId = AgentTraceIT.hex(32);
    String browserSpanId = AgentTraceIT.hex(16);
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      Map<String, String> apiEnv =
          AgentTraceIT.jvmEnvironment(broker, sqs.endpoint(), suffix, receiver);
      apiEnv.put("OTEL_SERVICE_NAME", "api-service");
      int apiPort = AgentTraceIT.freePort();
      apiEnv.put("API_PORT", String.valueOf(apiPort));
      try (AgentJvm api =
          AgentJvm.start("api-node-" + broker + suffix, AgentApiMain.class, true, apiEnv)) {
        AgentTraceIT.awaitListening(api, apiPort);
        AgentTraceIT.upload(
            apiPort, "{\"components\":[]}", "00-" + traceId + "-" + browserSpanId + "-01");

        NodeConsumer.Result consumer =
            node.run("node-" + broker + suffix, nodeEnvironment(broker, queue, receiver), 90);
        assertThat(consumer.exitCode()).as(consumer.output()).isZero();
        assertThat(consumer.output()).contains("consumed 1");
        assertThat(api.stop()).as(api.output()).isZero(); // the agent flushes at exit

        ReceivedSpan server = only(receiver, "api-service", SpanKind.SPAN_KIND_SERVER);
        assertThat(server.traceId()).isEqualTo(traceId);
        assertThat(server.parentSpanId()).isEqualTo(browserSpanId);
        ReceivedSpan send = only(receiver, "api-service", SpanKind.SPAN_KIND_PRODUCER);
        assertThat(send.name()).endsWith(" " + queue);
        assertThat(send.traceId()).isEqualTo(traceId);
        assertThat(send.parentSpanId()).isEqualTo(server.spanId());

        if ("rabbitmq".equals(broker)) {
          ReceivedSpan process = only(receiver, "node-consumer", SpanKind.SPAN_KIND_CONSUMER);
          assertThat(process.name()).isEqualTo(queue + " process");
          assertThat(process.traceId()).isEqualTo(traceId);
          assertThat(process.parentSpanId()).isEqualTo(send.spanId());
        } else {
          // One receive span per poll (empty polls too); only the poll that got the message links.
          List<ReceivedSpan> receives =
              spans(receiver, "node-consumer", SpanKind.SPAN_KIND_CONSUMER).stream()
                  .filter(s -> s.name().equals(queue + " receive"))
                  .toList();
          assertThat(receives).isNotEmpty().allSatisfy(r -> assertThat(r.parentSpanId()).isEmpty());
          List<Span.Link> links =
              receives.stream().flatMap(r -> r.span().getLinksList().stream()).toList();
          assertThat(links).hasSize(1);
          assertThat(hex(links.get(0).getTraceId().toByteArray())).isEqualTo(traceId);
          assertThat(hex(links.get(0).getSpanId().toByteArray())).isEqualTo(send.spanId());
        }
      } finally {
        TestQueues.delete(suffix);
      }
    }
  }

  private static Map<String, String> nodeEnvironment(
      String broker, String queue, OtlpReceiver receiver) {
    Map<String, String> env = new HashMap<>();
    env.put("BROKER", broker);
    env.put("QUEUE", queue);
    env.put("COUNT", "1");
    env.put("TIMEOUT_SECONDS", "60");
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
    env.put("OTEL_SERVICE_NAME", "node-consumer");
    if ("rabbitmq".equals(broker)) {
      env.put("RABBITMQ_URL", TestQueues.rabbitUrl());
    } else {
      env.put("SQS_ENDPOINT", sqs.endpoint().toString());
      env.put("AWS_REGION", "us-east-1");
      env.put("AWS_ACCESS_KEY_ID", "test");
      env.put("AWS_SECRET_ACCESS_KEY", "test");
    }
    return env;
  }

  private static List<ReceivedSpan> spans(OtlpReceiver receiver, String service, SpanKind kind) {
    return receiver.spans().stream()
        .filter(s -> service.equals(s.resource().get("service.name")))
        .filter(s -> s.span().getKind() == kind)
        .toList();
  }

  private static ReceivedSpan only(OtlpReceiver receiver, String service, SpanKind kind) {
    List<ReceivedSpan> found = spans(receiver, service, kind);
    assertThat(found).as("%s %s spans", service, kind).hasSize(1);
    return found.get(0);
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
