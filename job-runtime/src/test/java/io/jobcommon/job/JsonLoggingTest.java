package io.jobcommon.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shipped {@code jobcommon-logback-json.xml} turns every log line into one JSON object, and a
 * line logged by a handler carries the trace and span ids of its process span.
 */
class JsonLoggingTest {

  @Test
  void aHandlersLogLineIsOneJsonObjectWithTraceAndSpanIds() throws Exception {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=jobcommon-logback-json.xml",
                "-cp",
                System.getProperty("java.class.path"),
                JsonLogMain.class.getName())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();

    ObjectMapper json = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (!line.isBlank()) {
        lines.add(json.readTree(line)); // fails on any line that is not JSON
      }
    }
    JsonNode handled =
        lines.stream()
            .filter(l -> l.path("formattedMessage").asText().equals("handled j-1"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no 'handled j-1' line in:\n" + output));
    assertThat(handled.path("level").asText()).isEqualTo("INFO");
    assertThat(handled.path("loggerName").asText()).isEqualTo(JsonLogMain.class.getName());
    assertThat(handled.path("mdc").path("trace_id").asText()).matches("[0-9a-f]{32}");
    assertThat(handled.path("mdc").path("span_id").asText()).matches("[0-9a-f]{16}");
  }
}
