package io.jobcommon.messaging.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.testing.InMemoryMessage;
import io.jobcommon.messaging.testing.InMemoryTransport;
import io.jobcommon.testfixtures.InMemoryTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.opentelemetry.instrumentation.api.internal.SpanKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The context a handler runs in: the CONSUMER span built from the message, whatever span the
 * delivering thread carried (the OpenTelemetry Java agent's own process span), and the scope-leak
 * detector, which must catch a real leak and stay quiet about the agent's context handling.
 */
class ConsumerContextTest {
  private InMemoryTelemetry otel;
  private InMemoryTransport broker;
  private MessagingTelemetry telemetry;
  private ListAppender<ILoggingEvent> logs;
  private Logger logger;

  @BeforeEach
  void setUp() {
    otel = new InMemoryTelemetry();
    broker = InMemoryTransport.create();
    telemetry = MessagingTelemetry.create(otel.sdk());
    logger = (Logger) LoggerFactory.getLogger(TracingDeliveryHandler.class);
    logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    logger.detachAppender(logs);
    broker.close();
    otel.close();
  }

  @Test
  @SuppressWarnings("try") // the scope is used for its side effect only
  void anAmbientSpanOnTheDeliveringThreadIsNeitherTheParentNorCurrentInTheHandler() {
    InMemoryMessage m = sentMessage();
    SpanData send = otel.onlySpan("send q");
    AtomicReference<SpanContext> inHandler = new AtomicReference<>();
    AtomicReference<@Nullable Span> consumerKey = new AtomicReference<>();
    TracingDeliveryHandler handler =
        handler(
            d -> {
              inHandler.set(Span.current().getSpanContext());
              consumerKey.set(SpanKey.CONSUMER_PROCESS.fromContextOrNull(Context.current()));
              d.ack();
            },
            Context::current);
    // Like the agent's "q process" span, which the agent carries onto the handler's thread.
    Span ambient = otel.sdk().getTracer("agent-like").spanBuilder("q process").startSpan();
    try (Scope ignored = ambient.makeCurrent()) {
      handler.handle(StubDelivery.of("q", m.headers(), m.body()));
      assertThat(Span.current()).isSameAs(ambient); // the thread is given back as it was
    } finally {
      ambient.end();
    }
    SpanData process = otel.onlySpan("process q");
    assertThat(process.getTraceId()).isEqualTo(send.getTraceId());
    assertThat(process.getParentSpanId()).isEqualTo(send.getSpanId());
    assertThat(process.getLinks())
        .singleElement()
        .satisfies(l -> assertThat(l.getSpanContext().getSpanId()).isEqualTo(send.getSpanId()));
    assertThat(inHandler.get()).isEqualTo(process.getSpanContext());
    assertThat(consumerKey.get()).isNotNull(); // marked for the agent's span suppression
    assertThat(warnings()).isEmpty();
  }

  @Test
  @SuppressWarnings("try") // the scope is used for its side effect only
  void aContextStorageThatWrapsEveryReadLikeTheAgentsIsNotTakenForALeak() {
    InMemoryMessage m = sentMessage();
    TracingDeliveryHandler handler = handler(d -> d.ack(), AgentLikeContext::current);
    Span ambient = otel.sdk().getTracer("agent-like").spanBuilder("q process").startSpan();
    try (Scope ignored = ambient.makeCurrent()) {
      for (int i = 0; i < 3; i++) {
        handler.handle(StubDelivery.of("q", m.headers(), m.body()));
      }
      assertThat(Span.current()).isSameAs(ambient);
    } finally {
      ambient.end();
    }
    assertThat(otel.spansNamed("process q")).hasSize(3);
    assertThat(warnings()).isEmpty();
  }

  @Test
  void aScopeTheHandlerLeavesOpenIsCaughtAndTheThreadIsReset() {
    for (Supplier<Context> storage :
        List.<Supplier<Context>>of(Context::current, AgentLikeContext::current)) {
      logs.list.clear();
      InMemoryMessage m = sentMessage();
      Span leaked = otel.sdk().getTracer("handler").spanBuilder("leaked").startSpan();
      TracingDeliveryHandler handler =
          handler(
              d -> {
                leaked.makeCurrent(); // never closed
                d.ack();
              },
              storage);
      Context before = Context.current();
      handler.handle(StubDelivery.of("q", m.headers(), m.body()));
      leaked.end();
      assertThat(Context.current()).isSameAs(before);
      assertThat(warnings())
          .singleElement()
          .asString()
          .contains("a handler of queue q left an OpenTelemetry scope open");
    }
  }

  @Test
  void aLeakedScopeWithoutASpanIsCaughtToo() {
    ContextKey<String> key = ContextKey.named("tenant");
    InMemoryMessage m = sentMessage();
    TracingDeliveryHandler handler =
        handler(
            d -> {
              Context.current().with(key, "acme").makeCurrent(); // never closed
              d.ack();
            },
            AgentLikeContext::current);
    handler.handle(StubDelivery.of("q", m.headers(), m.body()));
    assertThat(Context.current().get(key)).isNull();
    assertThat(warnings()).hasSize(1);
  }

  private InMemoryMessage sentMessage() {
    Transport traced = telemetry.wrap(broker);
    traced
        .send(
            io.jobcommon.messaging.OutgoingMessage.builder("q")
                .setBody("{}".getBytes(StandardCharsets.UTF_8))
                .build())
        .join();
    List<InMemoryMessage> sent = broker.sentTo("q");
    return sent.get(sent.size() - 1);
  }

  private TracingDeliveryHandler handler(
      io.jobcommon.messaging.spi.DeliveryHandler h, Supplier<Context> storage) {
    TelemetryConfig config = telemetry.config();
    return new TracingDeliveryHandler(
        h, config, new ContextExtractor(config), "in_memory", "q", storage);
  }

  private List<String> warnings() {
    return logs.list.stream()
        .filter(e -> e.getLevel().toString().equals("WARN"))
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  /**
   * What the agent's context storage does: every read of the current context is a new wrapper
   * object around the real one, so two reads of an unchanged context are never identical.
   */
  private static final class AgentLikeContext implements Context {
    private final Context delegate;

    private AgentLikeContext(Context delegate) {
      this.delegate = delegate;
    }

    static Context current() {
      return new AgentLikeContext(Context.current());
    }

    @Override
    public <V> @Nullable V get(ContextKey<V> key) {
      return delegate.get(key);
    }

    @Override
    public <V> Context with(ContextKey<V> key, V value) {
      return delegate.with(key, value);
    }

    @Override
    public Scope makeCurrent() {
      return delegate.makeCurrent();
    }
  }
}
