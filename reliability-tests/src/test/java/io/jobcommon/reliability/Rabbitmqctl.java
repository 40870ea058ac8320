package io.jobcommon.reliability;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code rabbitmqctl} against the local node. Arguments are never logged (one of them is the
 * suite user's password).
 */
final class Rabbitmqctl {
  private Rabbitmqctl() {}

  /** Whether {@code rabbitmqctl} is on the PATH. */
  static boolean available() {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (new File(dir, "rabbitmqctl").canExecute()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs {@code rabbitmqctl args...}; throws naming only the command (not its arguments) when it
   * fails.
   */
  static String run(String... args) {
    List<String> command = new ArrayList<>();
    command.add("rabbitmqctl");
    command.add("-q");
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("rabbitmqctl " + args[0] + " did not finish in 60 s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "rabbitmqctl " + args[0] + " exited with " + p.exitValue() + ": " + out.trim());
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("rabbitmqctl " + args[0] + " could not run: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running rabbitmqctl " + args[0], e);
    }
  }
}
