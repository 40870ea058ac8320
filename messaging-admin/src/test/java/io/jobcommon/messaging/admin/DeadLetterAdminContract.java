package io.jobcommon.messaging.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.DeadLetters;
import io.jobcommon.messaging.spi.Delivery;
import io.jobcommon.messaging.spi.StandardHeaders;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.spi.TransportSettings;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dead-letter API and tool against a real broker; each broker's IT supplies the environment.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
abstract class DeadLetterAdminContract {
  static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  static final Duration WAIT = Duration.ofSeconds(20);

  Transport transport;
  DeadLetterAdmin admin;
  String queue;
  final List<String> created = new ArrayList<>();

  /** The environment the tool reads: MESSAGING_BROKER and the broker's variables. */
  abstract Map<String, String> environment();

  /** Deletes {@code queues} from the broker. */
  abstract void deleteQueues(List<String> queues) throws Exception;

  @BeforeEach
  void connect() {
    transport = DeadLetterTool.transport(TransportSettings.of(environment()));
    admin = DeadLetterAdmin.create(transport, java.time.Clock.systemUTC(), Duration.ofSeconds(2));
    queue = "jc-admin-" + UUID.randomUUID().toString().substring(0, 8);
    created.add(queue);
    created.add(DeadLetters.queueName(queue));
    transport.send(body(queue, "warm-up")).join(); // declares/creates queue and dead-letter queue
    drain(queue, 1);
  }

  @AfterEach
  void close() throws Exception {
    transport.close();
    deleteQueues(created);
  }

  static OutgoingMessage body(String queue, String text) {
    return OutgoingMessage.builder(queue).setBody(text.getBytes(StandardCharsets.UTF_8)).build();
  }

  /** Puts a dead letter into the DLQ directly, as the SDK writes one. */
  void deadLetter(String text, String reason, Instant failedAt, Map<String, String> extra) {
    Map<String, String> headers = new LinkedHashMap<>(extra);
    headers.put("traceparent", TRACEPARENT);
    headers.put("tenant", "acme");
    headers.putAll(DeadLetters.headers(Map.of(), queue, 5, reason, failedAt));
    transport
        .send(
            OutgoingMessage.builder(DeadLetters.queueName(queue))
                .setBody(text.getBytes(StandardCharsets.UTF_8))
                .setHeaders(headers)
                .build())
        .join();
  }

  /** Receives {@code n} messages of {@code q}, acks them and returns them. */
  List<Delivery> drain(String q, int n) {
    return receive(q, n, Delivery::ack);
  }

  List<Delivery> receive(String q, int n, Consumer<Delivery> settle) {
    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    Subscription s =
        transport.subscribe(
            q,
            ConsumerOptions.builder()
                .setConcurrency(1)
                .setPrefetch(0)
                .setLease(Duration.ofSeconds(2))
                .build(),
            d -> {
              got.add(d);
              settle.accept(d);
            });
    List<Delivery> out = new ArrayList<>();
    try {
      while (out.size() < n) {
        Delivery d = got.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(d).as("delivery %d of %d from %s", out.size() + 1, n, q).isNotNull();
        out.add(d);
      }
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    } finally {
      s.close();
    }
    return out;
  }

  /**
   * Waits until {@code q} holds {@code n} visible messages (on SQS, a receive cut off when a walk
   * ended may hold one for up to {@link QueueScan#LEASE}).
   */
  void awaitDepth(String q, long n) {
    await().atMost(WAIT).untilAsserted(() -> assertThat(depth(q)).isEqualTo(n));
  }

  long depth(String q) {
    return transport.queueAdmin().orElseThrow().depth(q).ready();
  }

  static String text(Delivery d) {
    return new String(d.body(), StandardCharsets.UTF_8);
  }

  /** Runs the tool as the jar would; returns exit code and stdout. */
  record ToolRun(int code, String out, String err) {}

  ToolRun tool(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        DeadLetterTool.run(
            args,
            environment(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            new BufferedReader(new StringReader(stdin)));
    return new ToolRun(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void peekShowsWhatAnOperatorNeedsAndLeavesTheMessages() {
    Instant failedAt = Instant.parse("2026-11-30T08:00:00Z");
    deadLetter(
        "{\"order\":\"o-1\",\"pad\":\"" + "x".repeat(500) + "\"}",
        "timeout: db",
        failedAt,
        Map.of());
    deadLetter("{\"order\":\"o-2\"}", "payload-decoding-failed: bad", failedAt, Map.of());
    ToolRun r = tool("", "peek", queue, "--count", "5", "--body-chars", "20");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("reason:      timeout: db")
        .contains("reason:      payload-decoding-failed: bad")
        .contains("attempts:    5   redriven: 0")
        .contains("from queue:  " + queue)
        .contains("failed at:   2026-11-30T08:00:00Z")
        .contains("trace id:    4bf92f3577b34da6a3ce929d0e0e4736")
        .contains("body:        {\"order\":\"o-1\",\"pad\"…(+504 chars)  (524 bytes)")
        .doesNotContain("x".repeat(30))
        .contains("2 dead letter(s) shown from " + DeadLetters.queueName(queue));
    awaitDepth(DeadLetters.queueName(queue), 2);
  }

  @Test
  void redriveMovesWithBodyAndHeadersAndResetsTheAttemptCount() {
    Instant failedAt = Instant.now().minusSeconds(60);
    deadLetter("{\"order\":\"o-1\"}", "timeout: db", failedAt, Map.of());
    ToolRun r = tool("", "redrive", queue);
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("moved 1 of 1 dead letter(s) examined");
    Delivery d = drain(queue, 1).get(0);
    assertThat(text(d)).isEqualTo("{\"order\":\"o-1\"}");
    assertThat(d.attempt()).isEqualTo(1);
    assertThat(d.headers())
        .containsEntry("traceparent", TRACEPARENT)
        .containsEntry("tenant", "acme")
        .containsEntry(DeadLetterAdmin.REDRIVE_COUNT, "1")
        .containsKey(DeadLetterAdmin.REDRIVEN_AT)
        .doesNotContainKeys(
            StandardHeaders.DEAD_LETTER_REASON,
            StandardHeaders.ATTEMPTS,
            StandardHeaders.FAILED_AT,
            StandardHeaders.ORIGINAL_QUEUE);
    awaitDepth(DeadLetters.queueName(queue), 0);
  }

  @Test
  void aMessageRedrivenAndDeadLetteredAgainIsNotRedrivenAgainByDefault() {
    deadLetter("again", "timeout: db", Instant.now(), Map.of());
    assertThat(admin.redrive(queue, RedriveFilter.all(), false, p -> {}).moved()).isEqualTo(1);
    // It fails again: the SDK dead-letters it with its headers, the redrive count included.
    receive(queue, 1, d -> d.deadLetter("timeout: db again").join());
    awaitDepth(DeadLetters.queueName(queue), 1);
    RedriveReport second = admin.redrive(queue, RedriveFilter.all(), false, p -> {});
    assertThat(second.moved()).isZero();
    assertThat(second.skippedRedriven()).isEqualTo(1);
    awaitDepth(DeadLetters.queueName(queue), 1);
    RedriveReport forced =
        admin.redrive(queue, RedriveFilter.all().withIncludeRedriven(true), false, p -> {});
    assertThat(forced.moved()).isEqualTo(1);
    assertThat(drain(queue, 1).get(0).headers()).containsEntry(DeadLetterAdmin.REDRIVE_COUNT, "2");
  }

  @Test
  void eachFilterSelectsAndADryRunMovesNothing() {
    Instant now = Instant.now();
    deadLetter("old-timeout", "timeout: db", now.minus(Duration.ofHours(3)), Map.of());
    deadLetter("new-timeout", "timeout: api", now.minus(Duration.ofMinutes(5)), Map.of());
    deadLetter("decode", "payload-decoding-failed: x", now.minus(Duration.ofHours(3)), Map.of());
    deadLetter("other", "boom", now.minus(Duration.ofMinutes(5)), Map.of());
    String dlq = DeadLetters.queueName(queue);

    ToolRun dry = tool("", "redrive", queue, "--reason-prefix", "timeout", "--dry-run");
    assertThat(dry.code()).isZero();
    assertThat(dry.out()).contains("dry run: would move 2 of 4");
    awaitDepth(dlq, 4);

    assertThat(tool("", "redrive", queue, "--reason-prefix", "timeout", "--older-than", "1h").out())
        .contains("moved 1 of 4");
    assertThat(text(drain(queue, 1).get(0))).isEqualTo("old-timeout");
    awaitDepth(dlq, 3);

    assertThat(tool("", "redrive", dlq, "--newer-than", "30m", "--limit", "1").out())
        .contains("moved 1 of");
    assertThat(text(drain(queue, 1).get(0))).isIn("new-timeout", "other");
    awaitDepth(dlq, 2);

    List<DeadLetter> left = admin.peek(queue, 10, 40);
    String decodeId =
        left.stream()
            .filter(l -> l.bodyPreview().equals("decode"))
            .findFirst()
            .orElseThrow()
            .messageId();
    RedriveReport byId =
        admin.redrive(queue, RedriveFilter.all().withMessageIds(Set.of(decodeId)), false, p -> {});
    assertThat(byId.moved()).isEqualTo(1);
    assertThat(text(drain(queue, 1).get(0))).isEqualTo("decode");
    awaitDepth(dlq, 1);
  }

  @Test
  void listShowsDepthAndPurgeNeedsConfirmation() {
    deadLetter("a", "boom", Instant.now(), Map.of());
    deadLetter("b", "boom", Instant.now(), Map.of());
    String dlq = DeadLetters.queueName(queue);
    ToolRun list = tool("", "list", queue);
    assertThat(list.code()).isZero();
    assertThat(list.out()).containsPattern(dlq + " +2 ");

    ToolRun refused = tool("no\n", "purge", queue);
    assertThat(refused.code()).isEqualTo(DeadLetterTool.EXIT_FAILURE);
    assertThat(refused.err()).contains("not confirmed; nothing deleted");
    awaitDepth(dlq, 2);

    ToolRun purged = tool(dlq + "\n", "purge", queue);
    assertThat(purged.code()).isZero();
    assertThat(purged.out()).contains("purged 2 dead letter(s) from " + dlq);
    awaitDepth(dlq, 0);
  }

  @Test
  void theApiAsTheReadmeShowsIt() {
    deadLetter(
        "late", "attempts-exhausted (5 of 5): timeout", Instant.now().minusSeconds(900), Map.of());
    deadLetter("bad", "non-retryable: validation", Instant.now().minusSeconds(900), Map.of());
    List<Long> progressSeen = new ArrayList<>();
    // snippet:start dead-letter-api
    DeadLetterAdmin admin = DeadLetterAdmin.create(transport);
    List<DeadLetter> letters = admin.peek(queue, 10, 120); // they stay in the queue
    RedriveReport report =
        admin.redrive(
            queue,
            RedriveFilter.all()
                .withReasonPrefix("attempts-exhausted")
                .withOlderThan(Duration.ofMinutes(10)),
            false, // true: a dry run
            progress -> progressSeen.add((long) progress.moved()));
    // snippet:end dead-letter-api
    assertThat(letters).hasSize(2);
    assertThat(report.moved()).isEqualTo(1);
    assertThat(report.skipped()).isEqualTo(1);
    assertThat(report.succeeded()).isTrue();
    assertThat(text(drain(queue, 1).get(0))).isEqualTo("late");
  }
}
