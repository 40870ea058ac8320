package io.jobcommon.examples.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Files of the repository the tests of {@code deploy/} read, and how to read them. */
final class Repo {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)?");

  private Repo() {}

  /** The repository's root: the first folder upwards that holds {@code deploy/} and a pom. */
  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isDirectory(dir.resolve("deploy")) && Files.exists(dir.resolve("pom.xml"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("no deploy/ folder above " + Path.of("").toAbsolutePath());
  }

  static Path file(String relative) {
    Path path = root().resolve(relative);
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(relative + " is missing under " + root());
    }
    return path;
  }

  static JsonNode yaml(String relative) throws IOException {
    return YAML.readTree(file(relative).toFile());
  }

  static JsonNode json(String relative) throws IOException {
    return JSON.readTree(file(relative).toFile());
  }

  /** {@code 25s}, {@code 500ms}, {@code 2m} or bare seconds, like the runtime's variables. */
  static Duration duration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration: " + text);
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofSeconds(n);
    };
  }
}
