package io.jobcommon.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shaded jar as users run it: {@code java -jar target/benchmarks.jar ...}. */
class ShadedJarIT {
  private static final Path JAR = Path.of("target", "benchmarks.jar");

  @Test
  void runsASingleRunWithTracing() throws Exception {
    List<String> lines =
        java("-jar", JAR.toString(), "run", "--tracing", "on", "--messages", "200");

    Result r = Cli.single(lines);
    Cli.assertSane(r, 200);
    assertThat(r.extra()).containsEntry("spans_exported", "400");
  }

  @Test
  void runsTheJmhBenchmarks() throws Exception {
    List<String> lines =
        java(
            "-jar",
            JAR.toString(),
            "jmh",
            "-f",
            "0",
            "-wi",
            "0",
            "-i",
            "1",
            "-r",
            "200ms",
            "-p",
            "tracing=sdk",
            "-foe",
            "true");

    assertThat(lines)
        .anyMatch(l -> l.matches("TracingLayerBenchmark\\.sendAndProcess\\s+sdk\\s+avgt.*"))
        .anyMatch(l -> l.matches("PayloadCodecBenchmark\\.decode\\s.*avgt.*"))
        .anyMatch(l -> l.matches("PayloadCodecBenchmark\\.encode\\s.*avgt.*"));
  }

  private static List<String> java(String... args) throws IOException, InterruptedException {
    assertThat(JAR).as("the shaded jar (built in the package phase)").exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.addAll(List.of(args));
    Path output = Files.createTempFile("benchmarks-jar", ".txt");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      boolean ended = p.waitFor(120, TimeUnit.SECONDS);
      if (!ended) {
        p.destroyForcibly();
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      assertThat(ended).as("ended in time; output:\n%s", text).isTrue();
      assertThat(p.exitValue()).as("exit status; output:\n%s", text).isZero();
      return text.lines().toList();
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
