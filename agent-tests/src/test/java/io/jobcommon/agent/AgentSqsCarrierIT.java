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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeNameForSends;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * A worker run by JobRuntime under the OpenTelemetry Java agent (default settings, which on SQS
 * read only {@code AWSTraceHeader}) continues a producer's trace from whichever carrier came:
 * {@code traceparent} only (a Node.js producer), {@code AWSTraceHeader} only, or the JSON body's
 * {@code traceContext} only; and a cron run under the agent exports its spans before the JVM exits.
 */
class AgentSqsCarrierIT {
  @RegisterExtension static final ElasticMq sqs = new ElasticMq();

  @Test
  void theSdkConsumerSpanContinuesEveryCarrierAndCronSpansLeaveWithTheJvm() throws Exception {
    String suffix = "-carrier-" + UUID.randomUUID().toString().substring(0, 8);
    String queue = "sbom-process-queue" + suffix;
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      Map<String, String> env =
          AgentTraceIT.jvmEnvironment("sqs", sqs.endpoint(), suffix, receiver);
      Map<String, String> workerEnv = new HashMap<>(env);
      int healthPort = AgentTraceIT.freePort();
      workerEnv.put("JOB_HEALTH_PORT", String.valueOf(healthPort));
      workerEnv.put("OTEL_SERVICE_NAME", "job-sbom-process");
      try (AgentJvm worker =
              AgentJvm.start("worker-carriers" + suffix, AgentWorkerMain.class, true, workerEnv);
          SqsAsyncClient client = sqs.client()) {
        AgentTraceIT.awaitUp(worker, "http://127.0.0.1:" + healthPort + "/health");
        // The worker creates its queue (SQS_AUTO_CREATE_QUEUES) as it subscribes.
        String url =
            await()
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(
                    () -> client.getQueueUrl(r -> r.queueName(queue)).join().queueUrl(), u -> true);

        Producer traceparent = new Producer();
        String byTraceparent =
            send(
                client,
                SendMessageRequest.builder()
                    .queueUrl(url)
                    .messageBody(body(null))
                    .messageAttributes(
                        Map.of(
                            "traceparent",
                            MessageAttributeValue.builder()
                                .dataType("String")
                                .stringValue(traceparent.traceparent())
                                .build())));
        Producer xray = new Producer();
        String byAwsTraceHeader =
            send(
                client,
                SendMessageRequest.builder()
                    .queueUrl(url)
                    .messageBody(body(null))
                    .messageSystemAttributesWithStrings(
                        Map.of(
                            MessageSystemAttributeNameForSends.AWS_TRACE_HEADER.toString(),
                            MessageSystemAttributeValue.builder()
                                .dataType("String")
                                .stringValue(xray.awsTraceHeader())
                                .build())));
        Producer inBody = new Producer();
        String byBody =
            send(
                client,
                SendMessageRequest.builder().queueUrl(url).messageBody(body(inBody.traceparent())));

        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> sdkProcessSpans(receiver, queue).size() == 3);
        assertContinues(receiver, queue, byTraceparent, traceparent, "headers");
        assertContinues(receiver, queue, byAwsTraceHeader, xray, "aws_trace_header");
        assertContinues(receiver, queue, byBody, inBody, "body");

        // A cron run under the agent: its spans are exported before its JVM exits on its own.
        Map<String, String> cronEnv = new HashMap<>(env);
        cronEnv.put("OTEL_SERVICE_NAME", "job-cron");
        AgentJvm cron = AgentJvm.start("cron" + suffix, AgentCronMain.class, true, cronEnv);
        await().atMost(Duration.ofSeconds(90)).until(() -> !cron.isAlive());
        assertThat(cron.stop()).as(cron.output()).isZero();
        ReceivedSpan run = only(receiver, "agent-cron");
        assertThat(run.parentSpanId()).isEmpty();
        ReceivedSpan cronSend = only(receiver, "send " + queue);
        assertThat(cronSend.parentSpanId()).isEqualTo(run.spanId());
        assertThat(cronSend.traceId()).isEqualTo(run.traceId());
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> sdkProcessSpans(receiver, queue).size() == 4);
        assertThat(sdkProcessSpans(receiver, queue))
            .filteredOn(s -> s.traceId().equals(run.traceId()))
            .singleElement()
            .satisfies(p -> assertThat(p.parentSpanId()).isEqualTo(cronSend.spanId()));

        assertThat(worker.stop()).as(worker.output()).isZero();
        assertThat(worker.output()).doesNotContain("left an OpenTelemetry scope open");
      }
    }
  }

  /** A producer span elsewhere: its ids in W3C and X-Ray form. */
  private record Producer(String traceId, String spanId) {
    Producer() {
      this(AgentTraceIT.hex(32), AgentTraceIT.hex(16));
    }

    String traceparent() {
      return "00-" + traceId + "-" + spanId + "-01";
    }

    String awsTraceHeader() {
      return "Root=1-"
          + traceId.substring(0, 8)
          + "-"
          + traceId.substring(8)
          + ";Parent="
          + spanId
          + ";Sampled=1";
    }
  }

  private static String body(String traceparent) {
    String sbom = "\"sbomId\":\"s-" + UUID.randomUUID() + "\",\"orgId\":\"acme\",\"components\":[]";
    return traceparent == null
        ? "{" + sbom + "}"
        : "{" + sbom + ",\"traceContext\":{\"traceparent\":\"" + traceparent + "\"}}";
  }

  private static String send(SqsAsyncClient client, SendMessageRequest.Builder request) {
    return client.sendMessage(request.build()).join().messageId();
  }

  private static List<ReceivedSpan> sdkProcessSpans(OtlpReceiver receiver, String queue) {
    return receiver.spans().stream()
        .filter(s -> s.span().getKind() == SpanKind.SPAN_KIND_CONSUMER)
        .filter(s -> s.name().equals("process " + queue))
        .toList();
  }

  private static ReceivedSpan only(OtlpReceiver receiver, String name) {
    List<ReceivedSpan> found =
        receiver.spans().stream().filter(s -> s.name().equals(name)).toList();
    assertThat(found).as(name).hasSize(1);
    return found.get(0);
  }

  private static void assertContinues(
      OtlpReceiver receiver, String queue, String messageId, Producer producer, String carrier) {
    assertThat(sdkProcessSpans(receiver, queue))
        .filteredOn(s -> messageId.equals(s.attributes().get("messaging.message.id")))
        .as("the SDK's process span of the message carried by %s", carrier)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.traceId()).isEqualTo(producer.traceId());
              assertThat(p.parentSpanId()).isEqualTo(producer.spanId());
            });
  }
}
