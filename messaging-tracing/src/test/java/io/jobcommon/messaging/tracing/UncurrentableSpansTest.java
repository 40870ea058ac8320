package io.jobcommon.messaging.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.testing.InMemoryTransport;
import io.jobcommon.testfixtures.InMemoryTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * An OpenTelemetry whose spans cannot be made current (as an application-built SDK beside the
 * OpenTelemetry Java agent, whose context storage drops spans it did not create): detected when the
 * telemetry is created, said in one line with the fix, and every send span says its context was not
 * injected. Never silently untraced.
 */
class UncurrentableSpansTest {
  private static final AttributeKey<Boolean> INJECTED =
      AttributeKey.booleanKey("jc.trace_context.injected");

  private InMemoryTelemetry otel;
  private InMemoryTransport broker;
  private ListAppender<ILoggingEvent> logs;
  private Logger logger;

  @BeforeEach
  void setUp() {
    otel = new InMemoryTelemetry();
    broker = InMemoryTransport.create();
    logger = (Logger) LoggerFactory.getLogger(ContextCheck.class);
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
  void spansThatCannotBeMadeCurrentAreReportedAtCreationAndMarkedOnEverySend() {
    Transport traced = MessagingTelemetry.create(uncurrentable(otel.sdk())).wrap(broker);
    assertThat(errors())
        .singleElement()
        .asString()
        .contains("cannot be made current")
        .contains("GlobalOpenTelemetry.get()")
        .contains("JOB_OPENTELEMETRY=sdk");

    traced.send(message()).join();
    traced.sendBatch(List.of(message(), message())).join();

    assertThat(otel.spansNamed("send q"))
        .hasSize(2)
        .allSatisfy(s -> assertThat(s.getAttributes().get(INJECTED)).isFalse());
    assertThat(broker.sentTo("q"))
        .hasSize(3)
        .allSatisfy(m -> assertThat(m.headers()).doesNotContainKey("traceparent"));
  }

  @Test
  void anOrdinaryOpenTelemetryPassesTheCheckQuietlyAndItsSendsCarryTheirContext() {
    Transport traced = MessagingTelemetry.create(otel.sdk()).wrap(broker);
    traced.send(message()).join();
    assertThat(errors()).isEmpty();
    SpanData send = otel.onlySpan("send q");
    assertThat(send.getAttributes().get(INJECTED)).isNull();
    assertThat(broker.sentTo("q").get(0).headers().get("traceparent")).contains(send.getSpanId());
    assertThat(otel.spansNamed("jc.context_probe")).isEmpty(); // the check exports nothing
  }

  @Test
  void besideTheAgentAnotherSdksSpansAreReportedEvenWhereNoAgentSpanShadowsThemYet() {
    assertThat(ContextCheck.spansBecomeCurrent(otel.sdk().getTracer("t"), true)).isFalse();
    assertThat(errors())
        .singleElement()
        .asString()
        .contains("the OpenTelemetry Java agent is attached");
    assertThat(ContextCheck.spansBecomeCurrent(otel.sdk().getTracer("t"), false)).isTrue();
    assertThat(errors()).hasSize(1);
  }

  private static OutgoingMessage message() {
    return OutgoingMessage.builder("q").setBody("{}".getBytes(StandardCharsets.UTF_8)).build();
  }

  private List<String> errors() {
    return logs.list.stream()
        .filter(e -> e.getLevel() == Level.ERROR)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  /**
   * {@code delegate} with spans whose {@code storeInContext} keeps the context as it was: what an
   * application-built SDK's spans get from the agent's context storage.
   */
  static OpenTelemetry uncurrentable(OpenTelemetry delegate) {
    return wrap(OpenTelemetry.class, delegate);
  }

  private static final Set<Class<?>> WRAPPED =
      Set.of(
          OpenTelemetry.class,
          TracerProvider.class,
          TracerBuilder.class,
          Tracer.class,
          SpanBuilder.class,
          Span.class);

  @SuppressWarnings("unchecked")
  private static <T> T wrap(Class<T> type, T delegate) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (type == Span.class && method.getName().equals("storeInContext")) {
            return args[0]; // the span is dropped, as the agent's storage does
          }
          if (method.isDefault() && type == Span.class) {
            return InvocationHandler.invokeDefault(proxy, method, args);
          }
          Object result = invoke(method, delegate, args);
          if (result == delegate) {
            return proxy;
          }
          Class<?> returned = method.getReturnType();
          if (result != null && WRAPPED.contains(returned)) {
            return wrap((Class<Object>) returned, result);
          }
          return result;
        };
    return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
