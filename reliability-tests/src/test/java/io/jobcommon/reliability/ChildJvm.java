package io.jobcommon.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker in a child JVM on the test classpath ({@code java.class.path}, which failsafe sets to
 * the real test classpath). Its logs go to {@code <logDir>/<name>.log} and its stdout and stderr to
 * {@code <logDir>/<name>.out}, both scanned by {@link SecretsIT}. Not thread-safe.
 */
final class ChildJvm implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChildJvm.class);

  private final String name;
  private final Process process;
  private final Path out;

  private ChildJvm(String name, Process process, Path out) {
    this.name = name;
    this.process = process;
    this.out = out;
  }

  /** The directory all the suite's JVMs log into. */
  static Path logDir() {
    Path dir = Paths.get(System.getProperty("reliability.logDir", "target/reliability-logs"));
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts {@code main} with {@code args}, the extra environment {@code env}. */
  static ChildJvm start(String name, Class<?> main, Map<String, String> env, String... args) {
    Path dir = logDir();
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1"); // starts faster; these workers are short-lived
    command.add("-Dreliability.logDir=" + dir);
    command.add("-Dreliability.logFile=" + dir.resolve(name + ".log"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    Path out = dir.resolve(name + ".out");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    // Only what the test gives: no OTEL_*, JOB_* or broker settings of the machine leak in.
    pb.environment()
        .keySet()
        .removeIf(
            k ->
                k.startsWith("OTEL_")
                    || k.startsWith("JOB_")
                    || k.startsWith("RABBITMQ_")
                    || k.startsWith("SQS_")
                    || k.startsWith("AWS_")
                    || k.equals("MESSAGING_BROKER"));
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      log.info("started child JVM {} (pid {}): {}", name, p.pid(), main.getSimpleName());
      return new ChildJvm(name, p, out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start child JVM " + name, e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** What the child printed so far. */
  String output() {
    try {
      return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** {@code kill -9}: no shutdown hook, no flush, no ack. Returns the exit code (137). */
  int killHard() {
    process.destroyForcibly();
    return await(Duration.ofSeconds(30));
  }

  /** SIGTERM, then waits up to {@code timeout} for the exit code. */
  int terminate(Duration timeout) {
    process.destroy();
    return await(timeout);
  }

  /** SIGTERM, without waiting. */
  void signalTerminate() {
    process.destroy();
  }

  /** Waits up to {@code timeout} for the child to exit by itself; returns its exit code. */
  int await(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(
            "child JVM " + name + " did not exit within " + timeout + "; output:\n" + output());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "ChildJvm{" + name + ", pid " + process.pid() + "}";
  }
}
