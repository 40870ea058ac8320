package io.jobcommon.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcommon.messaging.Dispatcher;
import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.MessagingException;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.DeadLetters;
import io.jobcommon.messaging.spi.LogSafe;
import io.jobcommon.messaging.spi.StandardHeaders;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.tracing.MessagingTelemetry;
import io.jobcommon.reliability.SuiteExtension.UncaughtExceptions;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the bad-input corpus on one broker through the real path: the transport, the tracing layer
 * ({@link MessagingTelemetry} with an SDK exporting to memory) and a {@link Dispatcher} running
 * {@link OrderConsumer}. Every case is sent between two good messages. Then, per case: the outcome
 * the corpus expects (handled, dead-lettered with the reason, or refused at send), the handler's
 * span parentage, a process span ending in {@code dead_letter} for each dead letter. For the whole
 * run: every good message handled, the worker still running, nothing left on handler threads (span,
 * context, baggage, MDC), no exception past the Dispatcher, no ERROR from a broker client's
 * threads, no uncaught exception anywhere in the JVM.
 */
@SuppressWarnings("try") // the dead-letter consumer is held open for its side effect
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AbstractBadInputIT {
  private static final Logger log = LoggerFactory.getLogger(AbstractBadInputIT.class);
  private static final AttributeKey<String> MESSAGE_ID =
      AttributeKey.stringKey("messaging.message.id");
  private static final AttributeKey<String> SETTLEMENT = AttributeKey.stringKey("jc.settlement");
  private static final AttributeKey<String> DLQ_REASON =
      AttributeKey.stringKey("jc.dead_letter.reason");

  /** {@code rabbitmq} or {@code sqs}. */
  abstract String broker();

  /** The broker's transport, without tracing (the probe and tracing go on top). */
  abstract Transport rawTransport();

  abstract String newQueue();

  /** Publishes a case's {@code amqp} or {@code sqs} part with the broker's own client. */
  abstract CompletableFuture<String> publishNative(
      String queue, CorpusCase c, Map<String, String> headers);

  /** Consumes {@code <queue>-dlq} with the broker's own means, handing each message's headers. */
  abstract AutoCloseable consumeDeadLetters(String queue, Consumer<Map<String, String>> sink)
      throws Exception;

  /** Deletes what the run left on the broker. */
  abstract void cleanup(String queue);

  abstract UncaughtExceptions uncaught();

  private Run run;
  private Exception failed;

  /** Everything one corpus run observed. */
  private static final class Run {
    String broker;
    String queue;
    final Map<String, List<Map<String, String>>> dead = new ConcurrentHashMap<>();
    final Map<String, Throwable> rejected = new ConcurrentHashMap<>();
    Map<String, List<OrderConsumer.Handled>> handled;
    List<SpanData> spans;
    HygieneProbe probe;
    List<String> brokerThreadErrors;
    List<String> uncaught;
    List<String> forged;
    final Map<String, Integer> logLines = new ConcurrentHashMap<>();
    boolean runningAtEnd;
    boolean healthyAtEnd;
    List<String> goods = new ArrayList<>();
    long millis;
  }

  private synchronized Run run() throws Exception {
    if (failed != null) {
      throw new IllegalStateException("the corpus run failed; see the first test's error", failed);
    }
    if (run == null) {
      try {
        run = execute();
      } catch (Exception | AssertionError e) {
        failed = e instanceof Exception ? (Exception) e : new IllegalStateException(e);
        throw e;
      }
    }
    return run;
  }

  private Run execute() throws Exception {
    Run r = new Run();
    List<CorpusCase> cases = BadInputCorpus.forBroker(broker());
    r.broker = broker();
    r.queue = newQueue();
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    long start = System.nanoTime();
    try (LogCapture logs = LogCapture.start();
        OpenTelemetrySdk otel =
            OpenTelemetrySdk.builder()
                .setTracerProvider(
                    SdkTracerProvider.builder()
                        .setSampler(Sampler.alwaysOn()) // unsampled parents too: check parentage
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build())
                .build()) {
      r.probe = new HygieneProbe(rawTransport());
      Transport traced = MessagingTelemetry.create(otel).wrap(r.probe);
      MessageClient client = MessageClient.create(traced);
      OrderConsumer consumer = new OrderConsumer(r.queue);
      Dispatcher dispatcher = Dispatcher.builder(traced).build();
      dispatcher.start(consumer);
      try (AutoCloseable dlq =
          consumeDeadLetters(
              r.queue,
              h ->
                  r.dead
                      .computeIfAbsent(
                          h.getOrDefault("x-case", "?"), k -> new CopyOnWriteArrayList<>())
                      .add(h))) {
        for (int i = 0; i < cases.size(); i++) {
          sendGood(client, r, "good-" + i);
          CorpusCase c = cases.get(i);
          log.debug("corpus case {} on {}", c.name(), broker());
          try {
            send(r.queue, c, client, r.probe).get(60, TimeUnit.SECONDS);
          } catch (ExecutionException e) {
            r.rejected.put(c.name(), e.getCause() == null ? e : e.getCause());
          }
        }
        sendGood(client, r, "good-last");
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(100))
            .untilAsserted(
                () -> {
                  assertThat(consumer.handled().keySet()).containsAll(r.goods);
                  List<String> open =
                      cases.stream()
                          .map(CorpusCase::name)
                          .filter(
                              n ->
                                  !consumer.handled().containsKey(n)
                                      && !r.dead.containsKey(n)
                                      && !r.rejected.containsKey(n))
                          .collect(Collectors.toList());
                  assertThat(open).as("cases without an outcome yet").isEmpty();
                });
        // A last good message behind everything: whatever was still settling has settled.
        sendGood(client, r, "good-sentinel");
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> consumer.handled().containsKey("good-sentinel"));
        r.runningAtEnd = dispatcher.isRunning();
        r.healthyAtEnd = traced.isHealthy();
      } finally {
        dispatcher.close();
      }
      r.handled = Map.copyOf(consumer.handled());
      r.spans = exporter.getFinishedSpanItems();
      r.brokerThreadErrors = logs.escapedToBrokerThreads();
      r.forged = logs.forged("FORGED");
      for (CorpusCase c : cases) {
        if (c.maxLogLines().isPresent()) {
          List<String> ids = r.probe.messageIds(c.name());
          r.logLines.put(
              c.name(),
              logs.lines(e -> ids.stream().anyMatch(id -> e.getFormattedMessage().contains(id))));
        }
      }
      r.uncaught = uncaught().seen();
    } finally {
      cleanup(r.queue);
    }
    r.millis = (System.nanoTime() - start) / 1_000_000;
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("cases", cases.size());
    figures.put("good_messages", r.goods.size());
    figures.put("handled", cases.stream().filter(c -> r.handled.containsKey(c.name())).count());
    figures.put("dead_lettered", r.dead.size());
    figures.put("refused_at_send", r.rejected.size());
    figures.put("wall_ms", r.millis);
    Figures.record("bad-input corpus " + broker(), figures);
    return r;
  }

  private static void sendGood(MessageClient client, Run r, String name) {
    client.send(
        OutgoingMessage.builder(r.queue)
            .setPayload(new OrderMessage(name, 1, List.of("ok"), null))
            .setHeader("x-case", name)
            .build());
    r.goods.add(name);
  }

  private CompletableFuture<String> send(
      String queue, CorpusCase c, MessageClient tracedClient, Transport untraced) {
    try {
      Map<String, String> headers = new LinkedHashMap<>(c.headers());
      headers.put("x-case", c.name());
      switch (c.via()) {
        case "raw-transport":
          return untraced.send(
              OutgoingMessage.builder(queue).setBody(c.body()).setHeaders(headers).build());
        case "traced-client":
          return tracedClient.sendAsync(
              OutgoingMessage.builder(queue).setBody(c.body()).setHeaders(headers).build());
        default:
          return publishNative(queue, c, headers);
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @TestFactory
  @Order(1)
  Stream<DynamicTest> eachCaseHasTheExpectedOutcome() throws Exception {
    Run r = run();
    return BadInputCorpus.forBroker(broker()).stream()
        .map(c -> DynamicTest.dynamicTest(c.name(), () -> check(r, c)));
  }

  private void check(Run r, CorpusCase c) {
    checkLogLines(r, c);
    String name = c.name();
    String expect = c.expect(broker());
    List<OrderConsumer.Handled> handled = r.handled.getOrDefault(name, List.of());
    List<Map<String, String>> dead = r.dead.getOrDefault(name, List.of());
    Throwable rejected = r.rejected.get(name);
    String observed =
        "handled "
            + handled.size()
            + "x, dead-lettered "
            + dead.size()
            + "x"
            + deadReasons(dead)
            + ", send "
            + (rejected == null ? "ok" : "failed: " + rejected);
    switch (expect) {
      case CorpusCase.ACK:
        assertThat(rejected).as("%s: send must succeed (%s)", name, observed).isNull();
        assertThat(handled).as("%s: handled (%s)", name, observed).isNotEmpty();
        assertThat(dead).as("%s: not dead-lettered (%s)", name, observed).isEmpty();
        c.trace().ifPresent(t -> checkTrace(r, c, handled.get(0), t));
        break;
      case CorpusCase.DEAD_LETTER:
        assertThat(rejected).as("%s: send must succeed (%s)", name, observed).isNull();
        assertThat(handled).as("%s: never handled successfully (%s)", name, observed).isEmpty();
        assertThat(dead).as("%s: dead-lettered once (%s)", name, observed).hasSize(1);
        Map<String, String> h = dead.get(0);
        String reason = h.get(StandardHeaders.DEAD_LETTER_REASON);
        assertThat(reason).as("%s: reason", name).startsWith(c.reason(broker()).orElseThrow());
        assertThat(reason.length())
            .as("%s: reason length", name)
            .isLessThanOrEqualTo(c.maxReasonLength().orElse(DeadLetters.MAX_REASON_LENGTH));
        assertThat(h)
            .as("%s: dead-letter headers", name)
            .containsEntry(StandardHeaders.ORIGINAL_QUEUE, r.queue);
        assertThat(h)
            .as("%s: dead-letter headers", name)
            .containsKeys(StandardHeaders.ATTEMPTS, StandardHeaders.FAILED_AT);
        c.deadLetterHeaders(r.queue)
            .forEach(
                (k, v) -> assertThat(h).as("%s: dead-letter headers", name).containsEntry(k, v));
        checkDeadLetterSpan(r, c);
        break;
      case CorpusCase.REJECTED:
        assertThat(rejected).as("%s: send must fail visibly (%s)", name, observed).isNotNull();
        assertThat(unwrap(rejected)).as("%s", name).isInstanceOf(MessagingException.class);
        assertThat(handled).as("%s: never handled (%s)", name, observed).isEmpty();
        assertThat(dead).as("%s: never dead-lettered (%s)", name, observed).isEmpty();
        break;
      default:
        throw new AssertionError("unknown expectation " + expect);
    }
  }

  private static void checkLogLines(Run r, CorpusCase c) {
    c.maxLogLines()
        .ifPresent(
            max ->
                assertThat(r.logLines.get(c.name()))
                    .as("%s: log lines about its message", c.name())
                    .isLessThanOrEqualTo(max));
  }

  private static String deadReasons(List<Map<String, String>> dead) {
    return dead.isEmpty()
        ? ""
        : " "
            + dead.stream()
                .map(h -> h.get(StandardHeaders.DEAD_LETTER_REASON))
                .collect(Collectors.toList());
  }

  private static void checkTrace(Run r, CorpusCase c, OrderConsumer.Handled h, String expected) {
    Optional<SpanData> span =
        r.spans.stream().filter(s -> s.getSpanId().equals(h.span().getSpanId())).findFirst();
    assertThat(span).as("%s: the handler's span was exported", c.name()).isPresent();
    SpanData s = span.get();
    assertThat(s.getName()).as(c.name()).startsWith("process");
    if (expected.equals("root")) {
      assertThat(s.getParentSpanContext().isValid())
          .as("%s: a new root span (parent %s)", c.name(), s.getParentSpanContext())
          .isFalse();
    } else {
      assertThat(s.getTraceId())
          .as("%s: continues the sender's trace", c.name())
          .isEqualTo(expected.substring("continue:".length()));
    }
  }

  private static void checkDeadLetterSpan(Run r, CorpusCase c) {
    // Span attributes carry broker-supplied ids neutralised (a CRLF in a message id is escaped).
    List<String> ids = r.probe.messageIds(c.name()).stream().map(LogSafe::of).toList();
    assertThat(
            r.spans.stream()
                .filter(s -> ids.contains(s.getAttributes().get(MESSAGE_ID)))
                .filter(s -> "dead_letter".equals(s.getAttributes().get(SETTLEMENT))))
        .as("%s: a process span ending in dead_letter", c.name())
        .singleElement()
        .satisfies(
            s ->
                assertThat(s.getAttributes().get(DLQ_REASON))
                    .startsWith(c.reason(r.broker).orElseThrow()));
  }

  @Test
  @Order(2)
  void theWorkerStaysUpAndNothingLeaksOrEscapes() throws Exception {
    Run r = run();
    for (String good : r.goods) {
      assertThat(r.handled.get(good)).as("good message %s handled once", good).hasSize(1);
    }
    assertThat(r.runningAtEnd).as("the dispatcher still runs after the corpus").isTrue();
    assertThat(r.healthyAtEnd).as("the transport is healthy after the corpus").isTrue();
    assertThat(r.probe.violations()).as("left on handler threads").isEmpty();
    assertThat(r.probe.escaped()).as("exceptions past the Dispatcher").isEmpty();
    assertThat(r.brokerThreadErrors).as("errors on broker client threads").isEmpty();
    assertThat(r.uncaught).as("uncaught exceptions in the JVM").isEmpty();
    assertThat(r.forged).as("log lines forged by broker-supplied values").isEmpty();
    assertThat(r.dead).as("dead letters of unknown cases").doesNotContainKey("?");
    log.info(
        "corpus on {}: {} cases in {} ms",
        broker(),
        BadInputCorpus.forBroker(broker()).size(),
        r.millis);
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}
