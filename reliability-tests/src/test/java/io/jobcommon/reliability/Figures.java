package io.jobcommon.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The figures a test measured (messages sent, handled, duplicated, lost; recovery times), logged
 * and appended as one line per scenario to {@code target/reliability-figures.txt}, where
 * docs/reliability.md takes them from.
 */
final class Figures {
  private static final Logger log = LoggerFactory.getLogger(Figures.class);

  private Figures() {}

  /** Records {@code values} (in iteration order) for {@code scenario}. */
  static void record(String scenario, Map<String, ?> values) {
    String line =
        scenario
            + ": "
            + values.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    log.info("FIGURES {}", line);
    Path file = ChildJvm.logDir().getParent().resolve("reliability-figures.txt");
    try {
      Files.writeString(
          file,
          Instant.now() + " " + line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
