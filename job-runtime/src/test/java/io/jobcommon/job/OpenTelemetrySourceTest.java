package io.jobcommon.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.jobcommon.job.OpenTelemetrySource.Choice;
import io.jobcommon.messaging.ConfigurationException;
import io.jobcommon.messaging.OutgoingMessage;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * {@code JOB_OPENTELEMETRY} and the choice of OpenTelemetry: the global one when the agent is
 * attached or one was registered, else the runtime's own SDK; one INFO line saying which.
 */
class OpenTelemetrySourceTest {
  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final OpenTelemetrySdk registered =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(exported))
                  .build())
          .build();
  private ListAppender<ILoggingEvent> logs;
  private Logger logger;

  @BeforeEach
  void setUp() {
    GlobalOpenTelemetry.resetForTest();
    logger = (Logger) LoggerFactory.getLogger(OpenTelemetrySource.class);
    logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    logger.detachAppender(logs);
    GlobalOpenTelemetry.resetForTest();
    registered.close();
  }

  static Stream<Arguments> choices() {
    return Stream.of(
        Arguments.of(null, Choice.AUTO),
        Arguments.of(" ", Choice.AUTO),
        Arguments.of("auto", Choice.AUTO),
        Arguments.of("global", Choice.GLOBAL),
        Arguments.of(" GLOBAL ", Choice.GLOBAL),
        Arguments.of("sdk", Choice.SDK),
        Arguments.of("Sdk", Choice.SDK));
  }

  @ParameterizedTest
  @MethodSource("choices")
  void jobOpenTelemetryAcceptsTheDocumentedForms(String value, Choice expected) {
    assertThat(Choice.parse(value)).isEqualTo(expected);
  }

  static Stream<Arguments> badChoices() {
    return Stream.of(
        Arguments.of(
            "agent",
            "JOB_OPENTELEMETRY is not a known choice: 'agent' (expected auto, global or sdk)"),
        Arguments.of(
            "true",
            "JOB_OPENTELEMETRY is not a known choice: 'true' (expected auto, global or sdk)"));
  }

  @ParameterizedTest
  @MethodSource("badChoices")
  void aBadJobOpenTelemetryFailsAtStartWithOneLine(String value, String message) {
    Map<String, String> env = Map.of("MESSAGING_BROKER", "in-memory", "JOB_OPENTELEMETRY", value);
    assertThatThrownBy(() -> JobRuntime.builder().setEnvironment(env).build())
        .isInstanceOfSatisfying(
            ConfigurationException.class,
            e -> assertThat(e.setting()).isEqualTo("JOB_OPENTELEMETRY"))
        .hasMessage(message);
  }

  /** agent attached?, global registered?, JOB_OPENTELEMETRY → the global one used? */
  static Stream<Arguments> selections() {
    return Stream.of(
        Arguments.of(false, false, "", false, "the runtime's own SDK from OTEL_* (no"),
        Arguments.of(false, true, "", true, "the global instance the application registered"),
        Arguments.of(true, true, "", true, "the OpenTelemetry Java agent's"),
        Arguments.of(true, true, "auto", true, "the OpenTelemetry Java agent's"),
        Arguments.of(true, true, "sdk", false, "the runtime's own SDK from OTEL_* (JOB_"),
        Arguments.of(false, true, "sdk", false, "the runtime's own SDK from OTEL_* (JOB_"),
        Arguments.of(false, true, "global", true, "the global instance, GlobalOpenTelemetry"));
  }

  @ParameterizedTest
  @MethodSource("selections")
  void theGlobalOpenTelemetryIsUsedWhenTheAgentIsAttachedOrOneWasRegistered(
      boolean agent, boolean globalSet, String choice, boolean usesGlobal, String line) {
    if (globalSet) {
      GlobalOpenTelemetry.set(registered);
    }
    Telemetry own = Telemetry.external(OpenTelemetry.noop());
    Map<String, String> env = new HashMap<>(Map.of("JOB_OPENTELEMETRY", choice));
    // The agent's own messaging instrumentation is off here; its warning has its own test.
    env.put("OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED", "false");
    Telemetry chosen = OpenTelemetrySource.select(env, () -> own, () -> agent, () -> globalSet);
    if (usesGlobal) {
      assertThat(chosen.openTelemetry()).isSameAs(GlobalOpenTelemetry.get());
    } else {
      assertThat(chosen).isSameAs(own);
    }
    assertThat(lines(Level.INFO)).singleElement().asString().startsWith("OpenTelemetry: " + line);
    assertThat(lines(Level.WARN)).isEmpty();
  }

  @Test
  void aRuntimeSendsItsSpansToTheRegisteredGlobalOpenTelemetry() {
    GlobalOpenTelemetry.set(registered);
    try (JobRuntime runtime =
        JobRuntime.builder().setEnvironment(Map.of("MESSAGING_BROKER", "in-memory")).build()) {
      assertThat(runtime.openTelemetry()).isSameAs(GlobalOpenTelemetry.get());
      runtime.client().send(OutgoingMessage.of("q", Map.of("n", 1)));
    }
    assertThat(exported.getFinishedSpanItems())
        .anySatisfy(s -> assertThat(s.getName()).isEqualTo("send q"));
  }

  @Test
  void withNothingRegisteredTheRuntimeBuildsItsOwnAndLeavesTheGlobalUntouched() {
    try (JobRuntime runtime =
        JobRuntime.builder()
            .setEnvironment(Map.of("MESSAGING_BROKER", "in-memory", "OTEL_TRACES_EXPORTER", "none"))
            .build()) {
      assertThat(runtime.openTelemetry()).isInstanceOf(OpenTelemetrySdk.class);
    }
    assertThat(GlobalOpenTelemetry.isSet()).isFalse(); // asking did not autoconfigure one
  }

  /** The agent's settings → whether the duplicate-span warning is logged. */
  static Stream<Arguments> agentSettings() {
    return Stream.of(
        Arguments.of(Map.of(), true),
        Arguments.of(Map.of("OTEL_INSTRUMENTATION_AWS_SDK_ENABLED", "false"), true),
        Arguments.of(Map.of("OTEL_INSTRUMENTATION_RABBITMQ_ENABLED", "false"), true),
        Arguments.of(
            Map.of(
                "OTEL_INSTRUMENTATION_AWS_SDK_ENABLED", "false",
                "OTEL_INSTRUMENTATION_RABBITMQ_ENABLED", "false"),
            false),
        Arguments.of(Map.of("OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED", "false"), false),
        Arguments.of(
            Map.of(
                "OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED", "false",
                "OTEL_INSTRUMENTATION_RABBITMQ_ENABLED", "true"),
            true));
  }

  @ParameterizedTest
  @MethodSource("agentSettings")
  void theAgentsOwnMessagingInstrumentationIsWarnedAboutOnceWithTheSettingsThatTurnItOff(
      Map<String, String> env, boolean warned) {
    OpenTelemetrySource.warnAboutAgentMessagingSpans(env::get);
    if (warned) {
      assertThat(lines(Level.WARN))
          .singleElement()
          .asString()
          .contains("OTEL_INSTRUMENTATION_AWS_SDK_ENABLED=false")
          .contains("OTEL_INSTRUMENTATION_RABBITMQ_ENABLED=false");
    } else {
      assertThat(lines(Level.WARN)).isEmpty();
    }
  }

  private List<String> lines(Level level) {
    return logs.list.stream()
        .filter(e -> e.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }
}
