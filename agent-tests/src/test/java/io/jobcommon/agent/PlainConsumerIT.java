package io.jobcommon.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcommon.job.OtlpReceiver;
import io.jobcommon.job.OtlpReceiver.ReceivedSpan;
import io.jobcommon.messaging.sqs.ElasticMq;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A consumer that uses the raw broker client under the OpenTelemetry Java agent (default settings)
 * continues the trace of a message the SDK sent from the API service under the agent: the agent's
 * CONSUMER span is a child of the SDK's PRODUCER span (on RabbitMQ because the agent no longer
 * overwrites our {@code traceparent}; on SQS through the {@code AWSTraceHeader} we send).
 */
class PlainConsumerIT {
  @RegisterExtension static final ElasticMq sqs = new ElasticMq();

  @ParameterizedTest
  @ValueSource(strings = {"rabbitmq", "sqs"})
  void anAgentInstrumentedPlainConsumerContinuesTheSdkProducersTrace(String broker)
      throws Exception {
    String suffix = "-plain-" + UUID.randomUUID().toString().substring(0, 8);
    String queue = "sbom-process-queue" + suffix;
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      Map<String, String> env =
          AgentTraceIT.jvmEnvironment(broker, sqs.endpoint(), suffix, receiver);
      Map<String, String> consumerEnv = new HashMap<>(env);
      consumerEnv.put("QUEUE", queue);
      consumerEnv.put("OTEL_SERVICE_NAME", "plain-consumer");
      Map<String, String> apiEnv = new HashMap<>(env);
      int apiPort = AgentTraceIT.freePort();
      apiEnv.put("API_PORT", String.valueOf(apiPort));
      apiEnv.put("OTEL_SERVICE_NAME", "api-service");
      try (AgentJvm consumer =
              AgentJvm.start(
                  "plain-" + broker + suffix, PlainConsumerMain.class, true, consumerEnv);
          AgentJvm api =
              AgentJvm.start("api-plain-" + broker + suffix, AgentApiMain.class, true, apiEnv)) {
        AgentTraceIT.awaitListening(api, apiPort);
        AgentTraceIT.upload(apiPort, "{\"components\":[]}", null);
        await().atMost(Duration.ofSeconds(90)).until(() -> !consumer.isAlive());
        assertThat(consumer.stop()).as(consumer.output()).isZero();
        assertThat(consumer.output()).contains("consumed");
        assertThat(api.stop()).as(api.output()).isZero();

        ReceivedSpan send = only(receiver, "api-service", SpanKind.SPAN_KIND_PRODUCER);
        assertThat(send.name()).endsWith(" " + queue);
        ReceivedSpan process = only(receiver, "plain-consumer", SpanKind.SPAN_KIND_CONSUMER);
        assertThat(process.name()).isEqualTo(queue + " process");
        assertThat(process.traceId()).isEqualTo(send.traceId());
        assertThat(process.parentSpanId()).isEqualTo(send.spanId());
      } finally {
        TestQueues.delete(suffix);
      }
    }
  }

  private static ReceivedSpan only(OtlpReceiver receiver, String service, SpanKind kind) {
    List<ReceivedSpan> found =
        receiver.spans().stream()
            .filter(s -> service.equals(s.resource().get("service.name")))
            .filter(s -> s.span().getKind() == kind)
            .toList();
    assertThat(found).as("%s %s spans", service, kind).hasSize(1);
    return found.get(0);
  }
}
