package io.jobcommon.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcommon.job.OtlpReceiver;
import io.jobcommon.job.OtlpReceiver.ReceivedSpan;
import io.jobcommon.messaging.sqs.ElasticMq;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Forcing the runtime's own SDK beside the agent ({@code JOB_OPENTELEMETRY=sdk}) is never silent:
 * the SDK's spans cannot be made current there, which is said in one line with the fix at start,
 * and every send span is marked {@code jc.trace_context.injected=false}.
 */
class SecondSdkUnderAgentIT {
  @RegisterExtension static final ElasticMq sqs = new ElasticMq();

  @Test
  void aSecondSdkBesideTheAgentIsDetectedAndItsSendSpansAreMarked() throws Exception {
    String suffix = "-second-" + UUID.randomUUID().toString().substring(0, 8);
    String queue = "sbom-process-queue" + suffix;
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      Map<String, String> env =
          AgentTraceIT.jvmEnvironment("sqs", sqs.endpoint(), suffix, receiver);
      env.put("OTEL_SERVICE_NAME", "api-service");
      env.put("JOB_OPENTELEMETRY", "sdk");
      int apiPort = AgentTraceIT.freePort();
      env.put("API_PORT", String.valueOf(apiPort));
      try (AgentJvm api =
          AgentJvm.start("api-second-sdk" + suffix, AgentApiMain.class, true, env)) {
        AgentTraceIT.awaitListening(api, apiPort);
        AgentTraceIT.upload(apiPort, "{\"components\":[]}", null);
        assertThat(api.stop()).as(api.output()).isZero();
        String log = api.output();
        assertThat(log)
            .contains("OpenTelemetry: the runtime's own SDK from OTEL_* (JOB_OPENTELEMETRY=sdk)")
            .contains("cannot be made current")
            .contains("GlobalOpenTelemetry.get()");
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> receiver.spans().stream().anyMatch(s -> s.name().equals("send " + queue)));
        ReceivedSpan send =
            receiver.spans().stream()
                .filter(s -> s.name().equals("send " + queue))
                .filter(s -> s.span().getKind() == SpanKind.SPAN_KIND_PRODUCER)
                .findFirst()
                .orElseThrow();
        assertThat(send.attributes()).containsEntry("jc.trace_context.injected", "false");
      }
    }
  }
}
