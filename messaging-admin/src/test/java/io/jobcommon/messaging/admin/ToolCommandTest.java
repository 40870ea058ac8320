package io.jobcommon.messaging.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The tool's command line and the redrive filter, without a broker. */
class ToolCommandTest {
  @Test
  void parsesEveryRedriveOption() {
    ToolCommand c =
        ToolCommand.parse(
            new String[] {
              "redrive",
              "orders-queue",
              "--reason-prefix",
              "attempts-exhausted",
              "--older-than",
              "30m",
              "--newer-than",
              "2h",
              "--message-id",
              "a",
              "--message-id",
              "b",
              "--limit",
              "7",
              "--include-redriven",
              "--dry-run"
            });
    assertThat(c.queue()).isEqualTo("orders-queue");
    assertThat(c.dryRun()).isTrue();
    assertThat(c.filter())
        .isEqualTo(
            new RedriveFilter(
                Optional.of("attempts-exhausted"),
                Optional.of(Duration.ofMinutes(30)),
                Optional.of(Duration.ofHours(2)),
                Set.of("a", "b"),
                7,
                true));
  }

  @Test
  void badCommandLinesAreUsageErrorsWithExitCode2() {
    assertThatThrownBy(() -> ToolCommand.parse(new String[] {"peek"}))
        .hasMessage("peek needs exactly one QUEUE, got 0");
    assertThatThrownBy(() -> ToolCommand.parse(new String[] {"redrive", "q", "--limit", "0"}))
        .hasMessage("--limit needs a whole number of at least 1, got '0'");
    assertThatThrownBy(() -> ToolCommand.parse(new String[] {"redrive", "q", "--older-than", "x"}))
        .hasMessageContaining("--older-than is not a duration: 'x'");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        DeadLetterTool.run(
            new String[] {"drain", "q"},
            Map.of(),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            new BufferedReader(new StringReader("")));
    assertThat(code).isEqualTo(DeadLetterTool.EXIT_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("usage error: unknown command 'drain'")
        .contains("usage: java -jar messaging-admin.jar COMMAND");
  }

  @Test
  void aMissingBrokerIsAConfigurationError() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        DeadLetterTool.run(
            new String[] {"list"},
            Map.of(),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            new BufferedReader(new StringReader("")));
    assertThat(code).isEqualTo(DeadLetterTool.EXIT_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("configuration error: MESSAGING_BROKER");
  }

  @Test
  void theFilterNeverMovesARedrivenMessageByDefault() {
    Instant now = Instant.parse("2026-12-01T12:00:00Z");
    DeadLetter redriven =
        new DeadLetter(
            "m1",
            Optional.of("attempts-exhausted (5 of 5): x"),
            Optional.of(5),
            Optional.of("q"),
            Optional.of(now.minusSeconds(3600)),
            Optional.empty(),
            1,
            2,
            "{}");
    assertThat(RedriveFilter.all().rejects(redriven, now)).hasValue("redriven before");
    assertThat(RedriveFilter.all().withIncludeRedriven(true).rejects(redriven, now)).isEmpty();
    assertThat(
            RedriveFilter.all()
                .withIncludeRedriven(true)
                .withOlderThan(Duration.ofHours(2))
                .rejects(redriven, now))
        .hasValue("too new");
    assertThat(
            RedriveFilter.all()
                .withIncludeRedriven(true)
                .withReasonPrefix("non-retryable")
                .rejects(redriven, now))
        .hasValue("reason");
  }
}
