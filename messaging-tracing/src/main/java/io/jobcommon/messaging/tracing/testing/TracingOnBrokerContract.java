package io.jobcommon.messaging.tracing.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.Dispatcher;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.JobContext;
import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.NonRetryableException;
import io.jobcommon.messaging.RetryPolicy;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.tracing.MessagingTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tracing promises checked end to end on a real broker, through the real Dispatcher and
 * JobConsumer: one trace from the sender through the queue into the job and onwards. A transport's
 * integration test extends it beside the {@code TransportConformanceKit}: it builds an untraced
 * transport, and the contract wraps it with {@link MessagingTelemetry} on an in-memory
 * OpenTelemetry SDK.
 *
 * <pre>{@code
 * class SqsTracingIT extends TracingOnBrokerContract {
 *   @Override
 *   protected Transport createBrokerTransport() {
 *     return SqsTransport.builder().setEndpointOverride(elasticMq.endpoint()).build();
 *   }
 *
 *   @Override
 *   protected String sendSpanName(String queue) {
 *     return "send " + queue;
 *   }
 * }
 * }</pre>
 *
 * <p>Needs JUnit 5, AssertJ, Awaitility, {@code opentelemetry-sdk} and {@code
 * opentelemetry-sdk-testing} on the test classpath. Each test gets a new SDK and transport.
 */
public abstract class TracingOnBrokerContract {
  private static final AttributeKey<String> SETTLEMENT = AttributeKey.stringKey("jc.settlement");
  private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("jc.attempt");
  private static final AttributeKey<Long> BATCH_COUNT =
      AttributeKey.longKey("messaging.batch.message_count");
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ConsumerOptions OPTIONS =
      ConsumerOptions.builder().setConcurrency(2).setPrefetch(2).build();

  /** The payload of the contract's jobs. */
  record Work(String id) {}

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private OpenTelemetrySdk sdk;
  private Transport broker;
  private Dispatcher dispatcher;
  private MessageClient client;

  /** A new, untraced transport on the broker under test; queues are created on first use. */
  protected abstract Transport createBrokerTransport();

  /** The name of the send span for {@code queue} on this broker. */
  protected abstract String sendSpanName(String queue);

  /** The in-memory SDK of the current test, for a subclass's own traced transports. */
  protected final OpenTelemetrySdk openTelemetry() {
    return sdk;
  }

  /** The finished spans named {@code name}, in the order they ended. */
  protected final List<SpanData> spansNamed(String name) {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
  }

  /** The one finished span named {@code name}; fails the test if there are none or several. */
  protected final SpanData onlySpan(String name) {
    List<SpanData> found = spansNamed(name);
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one span '" + name + "' but got " + spans.getFinishedSpanItems());
    }
    return found.get(0);
  }

  /** A fresh queue name, remembered for clean-up if the broker needs it. */
  protected String newQueue() {
    return "jc-trace-" + UUID.randomUUID().toString().substring(0, 12);
  }

  @BeforeEach
  void start() {
    spans.reset();
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .build();
    broker = createBrokerTransport();
    Transport traced = MessagingTelemetry.create(sdk).wrap(broker);
    dispatcher = Dispatcher.builder(traced).build();
    client = dispatcher.client();
  }

  @AfterEach
  void stop() {
    dispatcher.close();
    broker.close();
    sdk.close();
  }

  private static JobConsumer<Work> consumer(String queue, RetryPolicy policy, Handler handler) {
    return new JobConsumer<>(queue, Work.class) {
      @Override
      protected void handle(Work payload, JobContext ctx) throws Exception {
        handler.handle(payload, ctx);
      }

      @Override
      public RetryPolicy retryPolicy() {
        return policy;
      }

      @Override
      public ConsumerOptions options() {
        return OPTIONS;
      }
    };
  }

  interface Handler {
    void handle(Work payload, JobContext ctx) throws Exception;
  }

  private List<SpanData> awaitSpans(String name, int count) {
    await().atMost(WAIT).until(() -> spansNamed(name).size() >= count);
    return spansNamed(name);
  }

  @Test
  void oneTraceFromTheSenderThroughTwoJobs() {
    String first = newQueue();
    String second = newQueue();
    dispatcher.start(
        consumer(
            first,
            RetryPolicy.defaults(),
            (w, ctx) -> ctx.client().send(second, new Work(w.id() + "-next"))));
    dispatcher.start(consumer(second, RetryPolicy.defaults(), (w, ctx) -> {}));

    client.send(first, new Work("w1"));

    SpanData process2 = awaitSpans("process " + second, 1).get(0);
    SpanData send1 = onlySpan(sendSpanName(first));
    SpanData process1 = onlySpan("process " + first);
    SpanData send2 = onlySpan(sendSpanName(second));
    assertThat(send1.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(process1.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(List.of(process1, send2, process2))
        .allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(send1.getTraceId()));
    assertThat(process1.getParentSpanId()).isEqualTo(send1.getSpanId());
    assertThat(process1.getLinks())
        .singleElement()
        .satisfies(l -> assertThat(l.getSpanContext().getSpanId()).isEqualTo(send1.getSpanId()));
    assertThat(send2.getParentSpanId()).isEqualTo(process1.getSpanId());
    assertThat(process2.getParentSpanId()).isEqualTo(send2.getSpanId());
    assertThat(process2.getLinks())
        .singleElement()
        .satisfies(l -> assertThat(l.getSpanContext().getSpanId()).isEqualTo(send2.getSpanId()));
    assertThat(process1.getAttributes().get(SETTLEMENT)).isEqualTo("ack");
  }

  @Test
  void aRetriedMessageGetsOneProcessSpanPerAttemptEachContinuingTheProducersTrace() {
    String queue = newQueue();
    RetryPolicy policy =
        RetryPolicy.builder()
            .setMaxAttempts(3)
            .setInitialBackoff(Duration.ofSeconds(1))
            .setJitter(false)
            .build();
    dispatcher.start(
        consumer(
            queue,
            policy,
            (w, ctx) -> {
              if (ctx.attempt() < 3) {
                throw new IllegalStateException("flaky on attempt " + ctx.attempt());
              }
            }));

    client.send(queue, new Work("w2"));

    List<SpanData> attempts = awaitSpans("process " + queue, 3);
    SpanData send = onlySpan(sendSpanName(queue));
    assertThat(attempts)
        .hasSize(3)
        .allSatisfy(
            p -> {
              assertThat(p.getTraceId()).isEqualTo(send.getTraceId());
              assertThat(p.getParentSpanId()).isEqualTo(send.getSpanId());
            });
    assertThat(attempts)
        .extracting(p -> p.getAttributes().get(ATTEMPT))
        .containsExactlyInAnyOrder(1L, 2L, 3L);
    assertThat(attempts)
        .filteredOn(p -> p.getAttributes().get(ATTEMPT) < 3)
        .allSatisfy(
            p -> {
              assertThat(p.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
              assertThat(p.getAttributes().get(SETTLEMENT)).isEqualTo("retry");
            });
  }

  @Test
  void aDeadLetteredMessagesSpanIsErrorWithTheReason() {
    String queue = newQueue();
    dispatcher.start(
        consumer(
            queue,
            RetryPolicy.defaults(),
            (w, ctx) -> {
              throw new NonRetryableException("work " + w.id() + " is invalid");
            }));

    client.send(queue, new Work("w3"));

    SpanData process = awaitSpans("process " + queue, 1).get(0);
    assertThat(process.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(process.getStatus().getDescription())
        .startsWith("non-retryable: io.jobcommon.messaging.NonRetryableException: work w3");
    assertThat(process.getAttributes().get(SETTLEMENT)).isEqualTo("dead_letter");
    assertThat(process.getParentSpanId()).isEqualTo(onlySpan(sendSpanName(queue)).getSpanId());
  }

  @Test
  void aBatchSendIsOneSpanWhoseContextEveryMessageContinues() {
    String queue = newQueue();
    dispatcher.start(consumer(queue, RetryPolicy.defaults(), (w, ctx) -> {}));

    client.sendBatch(queue, List.of(new Work("a"), new Work("b"), new Work("c")));

    List<SpanData> processes = awaitSpans("process " + queue, 3);
    SpanData send = onlySpan(sendSpanName(queue));
    assertThat(send.getAttributes().get(BATCH_COUNT)).isEqualTo(3L);
    assertThat(processes)
        .hasSize(3)
        .allSatisfy(p -> assertThat(p.getParentSpanId()).isEqualTo(send.getSpanId()));
  }
}
