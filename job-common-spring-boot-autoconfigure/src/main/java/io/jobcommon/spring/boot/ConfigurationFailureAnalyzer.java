package io.jobcommon.spring.boot;

import io.jobcommon.messaging.ConfigurationException;
import java.util.Map;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Prints the runtime's one-line configuration error at start-up, and which property or variable to
 * set, instead of a stack trace.
 */
final class ConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<ConfigurationException> {
  /** The property that sets each variable. */
  static final Map<String, String> PROPERTIES =
      Map.ofEntries(
          Map.entry("MESSAGING_BROKER", "jobcommon.broker"),
          Map.entry("JOB_SHUTDOWN_TIMEOUT", "jobcommon.shutdown-timeout"),
          Map.entry("JOB_TRACES_KEEP_ERRORS", "jobcommon.traces-keep-errors"),
          Map.entry("JOB_QUEUE_DEPTH_INTERVAL", "jobcommon.queue-depth-interval"),
          Map.entry("JOB_TELEMETRY_FLUSH_TIMEOUT", "jobcommon.telemetry-flush-timeout"),
          Map.entry("AWS_REGION", "jobcommon.sqs.region"),
          Map.entry("SQS_ENDPOINT", "jobcommon.sqs.endpoint"),
          Map.entry("SQS_AUTO_CREATE_QUEUES", "jobcommon.sqs.auto-create-queues"),
          Map.entry("SQS_MAX_RECEIVE_COUNT", "jobcommon.sqs.max-receive-count"),
          Map.entry("SQS_STALL_TIMEOUT", "jobcommon.sqs.stall-timeout"),
          Map.entry("SQS_WARM_UP_QUEUES", "jobcommon.sqs.warm-up-queues"),
          Map.entry("SQS_WARM_UP_TIMEOUT", "jobcommon.sqs.warm-up-timeout"),
          Map.entry("RABBITMQ_URL", "jobcommon.rabbitmq.url"),
          Map.entry("RABBITMQ_QUEUE_TYPE", "jobcommon.rabbitmq.queue-type"),
          Map.entry("RABBITMQ_DELAY_TIERS", "jobcommon.rabbitmq.delay-tiers"),
          Map.entry("RABBITMQ_TOPOLOGY", "jobcommon.rabbitmq.topology"),
          Map.entry("RABBITMQ_DECLARE_TOPOLOGY", "jobcommon.rabbitmq.declare-topology"),
          Map.entry("RABBITMQ_HEARTBEAT", "jobcommon.rabbitmq.heartbeat"),
          Map.entry("RABBITMQ_PUBLISH_RETRY_WINDOW", "jobcommon.rabbitmq.publish-retry-window"),
          Map.entry("RABBITMQ_CONFIRM_TIMEOUT", "jobcommon.rabbitmq.confirm-timeout"));

  ConfigurationFailureAnalyzer() {}

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, ConfigurationException cause) {
    String variable = cause.setting();
    String property = PROPERTIES.get(variable);
    String action =
        property == null
            ? "Fix the environment variable " + variable + "."
            : "Fix the property " + property + " or the environment variable " + variable + ".";
    return new FailureAnalysis(String.valueOf(cause.getMessage()), action, cause);
  }
}
