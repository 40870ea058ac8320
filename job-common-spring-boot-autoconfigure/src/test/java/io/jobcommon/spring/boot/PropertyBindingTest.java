package io.jobcommon.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jobcommon.job.JobRuntime;
import io.jobcommon.messaging.ConfigurationException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Every {@code jobcommon.*} property reaches the runtime as its environment variable, and every bad
 * value fails the start with the runtime's own one-line message and a hint naming the property.
 */
class PropertyBindingTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(JobCommonAutoConfiguration.class));

  static Stream<Arguments> properties() {
    return Stream.of(
        Arguments.of("jobcommon.broker", "in-memory", "MESSAGING_BROKER"),
        Arguments.of("jobcommon.shutdown-timeout", "12s", "JOB_SHUTDOWN_TIMEOUT"),
        Arguments.of("jobcommon.traces-keep-errors", "true", "JOB_TRACES_KEEP_ERRORS"),
        Arguments.of("jobcommon.sqs.region", "eu-west-1", "AWS_REGION"),
        Arguments.of("jobcommon.sqs.endpoint", "http://127.0.0.1:9324", "SQS_ENDPOINT"),
        Arguments.of("jobcommon.sqs.auto-create-queues", "true", "SQS_AUTO_CREATE_QUEUES"),
        Arguments.of("jobcommon.sqs.max-receive-count", "7", "SQS_MAX_RECEIVE_COUNT"),
        Arguments.of("jobcommon.rabbitmq.url", "amqp://u:p@h:5672/v", "RABBITMQ_URL"),
        Arguments.of("jobcommon.rabbitmq.queue-type", "quorum", "RABBITMQ_QUEUE_TYPE"),
        Arguments.of("jobcommon.rabbitmq.delay-tiers", "1s,10s", "RABBITMQ_DELAY_TIERS"),
        Arguments.of("jobcommon.rabbitmq.declare-topology", "false", "RABBITMQ_DECLARE_TOPOLOGY"),
        Arguments.of(
            "jobcommon.rabbitmq.publish-retry-window", "5s", "RABBITMQ_PUBLISH_RETRY_WINDOW"),
        Arguments.of("jobcommon.rabbitmq.confirm-timeout", "3s", "RABBITMQ_CONFIRM_TIMEOUT"));
  }

  @ParameterizedTest(name = "{0} sets {2}")
  @MethodSource("properties")
  void eachPropertyIsTheRuntimesVariable(String property, String value, String variable) {
    new ApplicationContextRunner()
        .withUserConfiguration(PropertiesOnly.class)
        .withPropertyValues(property + "=" + value)
        .run(
            ctx -> {
              Map<String, String> variables =
                  JobCommonAutoConfiguration.variables(
                      ctx.getBean(JobCommonProperties.class), ctx.getEnvironment());
              assertThat(variables).containsEntry(variable, value);
              assertThat(ConfigurationFailureAnalyzer.PROPERTIES).containsEntry(variable, property);
            });
  }

  @Test
  void theVariablesNameWorksAsAPropertyTooAndThePrefixedPropertyWins() {
    runner
        .withPropertyValues("MESSAGING_BROKER=in-memory", "JOB_SHUTDOWN_TIMEOUT=soon")
        .run(ctx -> assertThat(ctx).hasFailed());
    runner
        .withPropertyValues(
            "MESSAGING_BROKER=in-memory",
            "JOB_SHUTDOWN_TIMEOUT=soon",
            "jobcommon.shutdown-timeout=2s")
        .run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(JobRuntime.class));
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        bad("jobcommon.broker", "kafka", null),
        bad("MESSAGING_BROKER", "kafka", null),
        bad("jobcommon.shutdown-timeout", "soon", "in-memory"),
        bad("jobcommon.shutdown-timeout", "-5s", "in-memory"),
        bad("jobcommon.traces-keep-errors", "maybe", "in-memory"),
        bad("jobcommon.queue-depth-interval", "often", "in-memory"),
        bad("jobcommon.telemetry-flush-timeout", "later", "in-memory"),
        bad("jobcommon.rabbitmq.url", "amqp//host", "rabbitmq"),
        bad("jobcommon.rabbitmq.url", "http://guest:s3cret@127.0.0.1:5672/", "rabbitmq"),
        bad("jobcommon.rabbitmq.queue-type", "stream", "rabbitmq"),
        bad("jobcommon.rabbitmq.delay-tiers", "fast", "rabbitmq"),
        bad("jobcommon.rabbitmq.topology", "loose", "rabbitmq"),
        bad("jobcommon.rabbitmq.declare-topology", "maybe", "rabbitmq"),
        bad("jobcommon.rabbitmq.heartbeat", "1500ms", "rabbitmq"),
        bad("jobcommon.rabbitmq.publish-retry-window", "a while", "rabbitmq"),
        bad("jobcommon.rabbitmq.confirm-timeout", "0x", "rabbitmq"),
        bad("jobcommon.sqs.region", "Mars 1", "sqs"),
        bad("jobcommon.sqs.endpoint", "not a uri", "sqs"),
        bad("jobcommon.sqs.auto-create-queues", "maybe", "sqs"),
        bad("jobcommon.sqs.max-receive-count", "many", "sqs"),
        bad("jobcommon.sqs.stall-timeout", "never", "sqs"),
        bad("jobcommon.sqs.warm-up-timeout", "briefly", "sqs"));
  }

  private static Arguments bad(String property, String value, String broker) {
    return Arguments.of(property, value, broker);
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("errors")
  void aBadValueFailsTheStartWithTheRuntimesMessage(String property, String value, String broker) {
    Map<String, String> props = new LinkedHashMap<>();
    if (broker != null) {
      props.put("jobcommon.broker", broker);
    }
    props.put(property, value);
    String variable = property.startsWith("jobcommon.") ? variableOf(property) : property;
    // What the runtime says about the same value in the environment variable.
    Map<String, String> env = new HashMap<>();
    if (broker != null) {
      env.put("MESSAGING_BROKER", broker);
    }
    env.put(variable, value);
    if ("rabbitmq".equals(broker) && !variable.equals("RABBITMQ_URL")) {
      // A port nothing listens on: the bad value must be found before any connection attempt.
      env.put("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:1/%2F");
      props.put("jobcommon.rabbitmq.url", "amqp://guest:guest@127.0.0.1:1/%2F");
    }
    if (broker != null && broker.equals("sqs")) {
      env.put("AWS_REGION", env.getOrDefault("AWS_REGION", "us-east-1"));
      props.putIfAbsent("jobcommon.sqs.region", "us-east-1");
    }
    ConfigurationException expected =
        catchThrowableOfType(
            ConfigurationException.class, () -> JobRuntime.builder().setEnvironment(env).build());
    assertThat(expected).as("the runtime rejects %s=%s", variable, value).isNotNull();
    assertThat(expected.setting()).isEqualTo(variable);
    assertThat(expected.getMessage())
        .startsWith(variable)
        .doesNotContain("s3cret")
        .doesNotContain("\n");

    runner
        .withPropertyValues(
            props.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .toArray(String[]::new))
        .run(
            ctx -> {
              assertThat(ctx).hasFailed();
              Throwable root = ctx.getStartupFailure();
              while (root != null && !(root instanceof ConfigurationException)) {
                root = root.getCause();
              }
              assertThat(root).isInstanceOf(ConfigurationException.class);
              assertThat(root.getMessage()).isEqualTo(expected.getMessage());
              FailureAnalysis analysis =
                  new ConfigurationFailureAnalyzer().analyze(ctx.getStartupFailure());
              assertThat(analysis.getDescription()).isEqualTo(expected.getMessage());
              assertThat(analysis.getAction())
                  .isEqualTo(
                      "Fix the property "
                          + ConfigurationFailureAnalyzer.PROPERTIES.get(variable)
                          + " or the environment variable "
                          + variable
                          + ".");
            });
  }

  private static String variableOf(String property) {
    return ConfigurationFailureAnalyzer.PROPERTIES.entrySet().stream()
        .filter(e -> e.getValue().equals(property))
        .findFirst()
        .orElseThrow()
        .getKey();
  }

  @org.springframework.boot.context.properties.EnableConfigurationProperties(
      JobCommonProperties.class)
  static class PropertiesOnly {}
}
