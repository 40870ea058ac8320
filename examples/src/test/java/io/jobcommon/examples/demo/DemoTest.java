package io.jobcommon.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  @Test
  void unknownBrokerExitsTwoNamingTheChoices() {
    assertThat(Demo.run(new String[] {"--broker", "kafka"}, Map.of(), out)).isEqualTo(2);
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("--broker must be sqs or rabbitmq, was 'kafka'");
  }

  @Test
  void unknownArgumentExitsTwoWithUsage() {
    assertThat(Demo.run(new String[] {"--fast"}, Map.of(), out)).isEqualTo(2);
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("usage: demo [--broker");
  }

  @Test
  void unsupportedOtlpProtocolExitsTwo() {
    Map<String, String> env =
        Map.of(
            "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318",
            "OTEL_EXPORTER_OTLP_PROTOCOL", "http/json");
    assertThat(Demo.run(new String[0], env, out)).isEqualTo(2);
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("OTEL_EXPORTER_OTLP_PROTOCOL is not supported by the demo: 'http/json'");
  }

  @Test
  void unreachableRabbitMqExitsTwoWithoutPrintingThePassword() {
    Map<String, String> env = Map.of("RABBITMQ_URL", "amqp://app:s3cret@127.0.0.1:1/%2F");
    assertThat(Demo.run(new String[] {"--broker", "rabbitmq"}, env, out)).isEqualTo(2);
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("cannot use the broker").doesNotContain("s3cret");
  }
}
