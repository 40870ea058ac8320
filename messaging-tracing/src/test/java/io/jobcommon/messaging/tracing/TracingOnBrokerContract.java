package io.jobcommon.messaging.tracing;

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
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tracing promises checked end to end on a real broker, through the real Dispatcher and
 * JobConsumer: one trace from the sender through the queue into the job and onwards.
 */
abstract class TracingOnBrokerContract {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ConsumerOptions OPTIONS =
      ConsumerOptions.builder().setConcurrency(2).setPrefetch(2).build();

  record Work(String id) {}

  protected TestTelemetry otel;
  private Transport broker;
  private Dispatcher dispatcher;
  private MessageClient client;

  /** A new, untraced transport on the broker under test; queues are created on first use. */
  protected abstract Transport createBrokerTransport();

  /** The name of the send span for {@code queue} on this broker. */
  protected abstract String sendSpanName(String queue);

  /** A fresh queue name, remembered for clean-up if the broker needs it. */
  protected String newQueue() {
    return "jc-trace-" + UUID.randomUUID().toString().substring(0, 12);
  }

  @BeforeEach
  void start() {
    otel = new TestTelemetry();
    broker = createBrokerTransport();
    Transport traced = MessagingTelemetry.create(otel.sdk).wrap(broker);
    dispatcher = Dispatcher.builder(traced).build();
    client = dispatcher.client();
  }

  @AfterEach
  void stop() {
    dispatcher.close();
    broker.close();
    otel.close();
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
    await().atMost(WAIT).until(() -> otel.spansNamed(name).size() >= count);
    return otel.spansNamed(name);
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
    SpanData send1 = otel.onlySpan(sendSpanName(first));
    SpanData process1 = otel.onlySpan("process " + first);
    SpanData send2 = otel.onlySpan(sendSpanName(second));
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
    assertThat(process1.getAttributes().get(SemanticAttributes.JC_SETTLEMENT)).isEqualTo("ack");
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
    SpanData send = otel.onlySpan(sendSpanName(queue));
    assertThat(attempts)
        .hasSize(3)
        .allSatisfy(
            p -> {
              assertThat(p.getTraceId()).isEqualTo(send.getTraceId());
              assertThat(p.getParentSpanId()).isEqualTo(send.getSpanId());
            });
    assertThat(attempts)
        .extracting(p -> p.getAttributes().get(SemanticAttributes.JC_ATTEMPT))
        .containsExactlyInAnyOrder(1L, 2L, 3L);
    assertThat(attempts)
        .filteredOn(p -> p.getAttributes().get(SemanticAttributes.JC_ATTEMPT) < 3)
        .allSatisfy(
            p -> {
              assertThat(p.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
              assertThat(p.getAttributes().get(SemanticAttributes.JC_SETTLEMENT))
                  .isEqualTo("retry");
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
    assertThat(process.getAttributes().get(SemanticAttributes.JC_SETTLEMENT))
        .isEqualTo("dead_letter");
    assertThat(process.getParentSpanId()).isEqualTo(otel.onlySpan(sendSpanName(queue)).getSpanId());
  }

  @Test
  void aBatchSendIsOneSpanWhoseContextEveryMessageContinues() {
    String queue = newQueue();
    dispatcher.start(consumer(queue, RetryPolicy.defaults(), (w, ctx) -> {}));

    client.sendBatch(queue, List.of(new Work("a"), new Work("b"), new Work("c")));

    List<SpanData> processes = awaitSpans("process " + queue, 3);
    SpanData send = otel.onlySpan(sendSpanName(queue));
    assertThat(send.getAttributes().get(SemanticAttributes.MESSAGING_BATCH_MESSAGE_COUNT))
        .isEqualTo(3L);
    assertThat(processes)
        .hasSize(3)
        .allSatisfy(p -> assertThat(p.getParentSpanId()).isEqualTo(send.getSpanId()));
  }
}
