package io.jobcommon.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running {@code mainClass} on this test's class path, with the OpenTelemetry Java
 * agent (the jar Maven resolved, {@code -Dotel.javaagent.jar}) attached or not; its output goes to
 * a file under {@code target/agent-logs}. {@link #close()} sends SIGTERM and waits for the exit, so
 * the agent's and the runtime's shutdown hooks run as in a deployment.
 */
final class AgentJvm implements AutoCloseable {
  private final Process process;
  private final Path log;

  private AgentJvm(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static AgentJvm start(String name, Class<?> mainClass, boolean agent, Map<String, String> env) {
    try {
      Path dir = Path.of(System.getProperty("agent.logDir", "target/agent-logs"));
      Files.createDirectories(dir);
      Path log = dir.resolve(name + ".log");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx256m");
      command.add("-XX:TieredStopAtLevel=1"); // starts faster on a busy machine
      if (agent) {
        String jar = System.getProperty("otel.javaagent.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
          throw new IllegalStateException(
              "otel.javaagent.jar is not set to the agent jar ('"
                  + jar
                  + "'); run through Maven (failsafe sets it from dependency:properties)");
        }
        command.add("-javaagent:" + jar);
      }
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(mainClass.getName());
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.redirectOutput(log.toFile());
      pb.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("JOB_"));
      pb.environment().putAll(env);
      return new AgentJvm(pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Everything the JVM printed so far. */
  String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM, then the exit code (waits up to 60 s, then kills). */
  int stop() {
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        return -1;
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return -1;
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      stop();
    }
  }
}
