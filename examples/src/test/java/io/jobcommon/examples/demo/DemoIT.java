package io.jobcommon.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcommon.examples.OtlpReceiver;
import io.jobcommon.examples.OtlpReceiver.ReceivedSpan;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The demo as users run it: the built {@code target/demo.jar} in its own JVM on the embedded SQS,
 * and the same entry point in this JVM on RabbitMQ. Each must exit 0, print the summary line of two
 * connected traces, and (OTLP endpoint set) export every span to a collector.
 */
class DemoIT {
  static final String SUMMARY =
      "summary: 2 traces, 13 spans, every trace connected (one root, every parent present)";
  static final java.util.Set<String> SERVICES =
      java.util.Set.of(
          "web-app",
          "api-service",
          "job-sbom-process",
          "job-component-process",
          "job-daily-vuln-match",
          "job-vuln-match");

  private OtlpReceiver receiver;

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = OtlpReceiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  @Test
  void demoJarOnEmbeddedSqsExitsZeroWithConnectedTracesExportedOverOtlp() throws Exception {
    Path jar = Path.of("target", "demo.jar");
    assertThat(jar).exists();
    Path output = Files.createTempFile("demo", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    pb.environment().put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
    pb.environment().remove("OTEL_EXPORTER_OTLP_PROTOCOL");
    long start = System.nanoTime();
    Process demo = pb.start();
    boolean ended = demo.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      demo.destroyForcibly();
    }
    String out = Files.readString(output);
    Files.delete(output);
    assertThat(ended).as("the demo ended within 60 s; its output:%n%s", out).isTrue();
    assertThat(demo.exitValue()).as(out).isZero();
    assertThat(out).contains(SUMMARY).contains("broker: embedded SQS (ElasticMQ)");
    // Progress comes first: a user sees what happens while the embedded broker starts.
    assertThat(out.indexOf("starting an embedded SQS (ElasticMQ) in this JVM..."))
        .isNotNegative()
        .isLessThan(out.indexOf("broker: embedded SQS"));
    assertThat(out).contains("waiting for every message to be processed");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    assertExported();
  }

  @Test
  void demoOnRabbitMqExitsZeroWithConnectedTracesExportedOverOtlp() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    String url = System.getenv("RABBITMQ_URL");
    int exit =
        Demo.run(
            new String[] {"--broker", "rabbitmq"},
            url == null
                ? Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint())
                : Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(), "RABBITMQ_URL", url),
            out);
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(text).isZero();
    assertThat(text).contains(SUMMARY).contains("broker: RabbitMQ at");
    assertExported();
  }

  private void assertExported() {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(receiver.spans()).hasSize(13));
    assertThat(receiver.spans().stream().map(ReceivedSpan::service).collect(Collectors.toSet()))
        .isEqualTo(SERVICES);
    assertThat(receiver.spans().stream().map(ReceivedSpan::traceId).distinct()).hasSize(2);
  }
}
