package io.jobcommon.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus's own {@code promtool} (Debian package {@code prometheus}) on files of this
 * repository: the real tool, not a reimplementation of its checks. Shared with other modules' tests
 * through this module's test jar.
 */
public final class Promtool {
  /** Why a test is skipped when the tool is missing, and how to get it. */
  public static final String MISSING =
      "promtool is not on the PATH: install it with 'apt-get install -y prometheus' (.ci/run does)";

  /** What one run printed and returned. */
  public record Result(int exitCode, String output) {}

  private Promtool() {}

  /** The {@code promtool} on the {@code PATH}, if any. */
  public static Optional<Path> find() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "promtool");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Whether {@link #find()} finds it. */
  public static boolean available() {
    return find().isPresent();
  }

  /**
   * Runs {@code promtool args...} in {@code directory}, with {@code stdin} (may be null) as its
   * input, and waits up to 60 s.
   */
  public static Result run(Path directory, String stdin, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(find().orElseThrow(() -> new IllegalStateException(MISSING)).toString());
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
    try (var in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("promtool " + String.join(" ", args) + " did not finish");
    }
    return new Result(process.exitValue(), output);
  }
}
