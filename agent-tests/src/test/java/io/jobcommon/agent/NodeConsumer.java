package io.jobcommon.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Node.js worker of {@code src/test/node} (the official OpenTelemetry amqplib and aws-sdk
 * instrumentations): {@link #install()} copies it to {@code target/node-consumer} and runs {@code
 * npm ci} there, {@link #run} runs it to its exit. Output goes to files under {@code
 * target/agent-logs}.
 */
final class NodeConsumer {
  private static final String[] FILES = {"package.json", "package-lock.json", "consumer.js"};
  private static final long INSTALL_TIMEOUT_SECONDS = 300;

  private final Path dir;

  private NodeConsumer(Path dir) {
    this.dir = dir;
  }

  /**
   * Why the consumer cannot run here ({@code node} or {@code npm} is not on the PATH), or null if
   * it can.
   */
  static String missingTool() throws IOException, InterruptedException {
    Path logs = Path.of(System.getProperty("agent.logDir", "target/agent-logs"));
    Files.createDirectories(logs);
    for (String tool : new String[] {"node", "npm"}) {
      Path log = logs.resolve(tool + "-version.log");
      if (exitCode(List.of(tool, "--version"), Path.of("."), log, 60) != 0) {
        return tool
            + " is not on the PATH: the Node.js consumer tests need Node.js 20.6 or later with"
            + " npm; install them to run these tests";
      }
    }
    return null;
  }

  /**
   * Installs the consumer with the exact versions of its {@code package-lock.json} ({@code npm ci},
   * once per call, with a timeout).
   */
  static NodeConsumer install() throws IOException, InterruptedException {
    Path basedir = Path.of(System.getProperty("basedir", "."));
    Path logs = Path.of(System.getProperty("agent.logDir", "target/agent-logs"));
    Files.createDirectories(logs);
    Path dir = basedir.resolve("target/node-consumer");
    Files.createDirectories(dir);
    for (String file : FILES) {
      Files.copy(
          basedir.resolve("src/test/node").resolve(file),
          dir.resolve(file),
          StandardCopyOption.REPLACE_EXISTING);
    }
    Path log = logs.resolve("npm-ci.log");
    int exit =
        exitCode(
            List.of("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"),
            dir,
            log,
            INSTALL_TIMEOUT_SECONDS);
    if (exit != 0) {
      throw new IllegalStateException(
          "npm ci in "
              + dir
              + " exited with "
              + exit
              + " (-1: not done in "
              + INSTALL_TIMEOUT_SECONDS
              + " s); is npm's registry reachable? Its output:\n"
              + Files.readString(log, StandardCharsets.UTF_8));
    }
    return new NodeConsumer(dir);
  }

  /** Runs the consumer with {@code env} (no inherited {@code OTEL_*}) to its exit. */
  Result run(String name, Map<String, String> env, long timeoutSeconds)
      throws IOException, InterruptedException {
    Path log =
        Path.of(System.getProperty("agent.logDir", "target/agent-logs")).resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder("node", "consumer.js").directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("NODE_"));
    pb.environment().putAll(env);
    int exit = exitCode(pb, log, timeoutSeconds);
    return new Result(exit, Files.readString(log, StandardCharsets.UTF_8));
  }

  /** The consumer's exit code (-1: killed after the timeout) and everything it printed. */
  record Result(int exitCode, String output) {}

  private static int exitCode(List<String> command, Path dir, Path log, long timeoutSeconds)
      throws InterruptedException {
    try {
      return exitCode(new ProcessBuilder(command).directory(dir.toFile()), log, timeoutSeconds);
    } catch (IOException e) {
      return -2; // not found on the PATH
    }
  }

  private static int exitCode(ProcessBuilder pb, Path log, long timeoutSeconds)
      throws IOException, InterruptedException {
    Process process = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      return -1;
    }
    return process.exitValue();
  }
}
