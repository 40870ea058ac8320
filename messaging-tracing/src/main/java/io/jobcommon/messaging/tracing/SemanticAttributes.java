package io.jobcommon.messaging.tracing;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Attribute keys of the messaging semantic conventions (v1.44), copied from the incubating semconv
 * artifact as its README asks of libraries (it is {@code -alpha} and may change), plus the SDK's
 * own {@code jc.*} keys.
 */
final class SemanticAttributes {
  static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> MESSAGING_OPERATION_NAME =
      AttributeKey.stringKey("messaging.operation.name");
  static final AttributeKey<String> MESSAGING_OPERATION_TYPE =
      AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> MESSAGING_DESTINATION_NAME =
      AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> MESSAGING_MESSAGE_ID =
      AttributeKey.stringKey("messaging.message.id");
  static final AttributeKey<Long> MESSAGING_BATCH_MESSAGE_COUNT =
      AttributeKey.longKey("messaging.batch.message_count");
  static final AttributeKey<Long> MESSAGING_MESSAGE_BODY_SIZE =
      AttributeKey.longKey("messaging.message.body.size");

  /** Stable ({@code ErrorAttributes.ERROR_TYPE}). */
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /**
   * How the delivery was settled: {@code ack}, {@code retry}, {@code dead_letter}, {@code release}.
   */
  static final AttributeKey<String> JC_SETTLEMENT = AttributeKey.stringKey("jc.settlement");

  /** Which delivery of the message this is, 1 for the first. */
  static final AttributeKey<Long> JC_ATTEMPT = AttributeKey.longKey("jc.attempt");

  static final AttributeKey<Long> JC_TIME_IN_QUEUE_MS = AttributeKey.longKey("jc.time_in_queue_ms");

  /** The delay asked for by {@code retryLater}, in milliseconds. */
  static final AttributeKey<Long> JC_RETRY_DELAY_MS = AttributeKey.longKey("jc.retry.delay_ms");

  /** Why the delivery was dead-lettered. */
  static final AttributeKey<String> JC_DEAD_LETTER_REASON =
      AttributeKey.stringKey("jc.dead_letter.reason");

  /** Which carrier held a trace context that was ignored: {@code headers}, {@code body}, ... */
  static final AttributeKey<String> JC_CARRIER = AttributeKey.stringKey("jc.carrier");

  static final String SYSTEM_RABBITMQ = "rabbitmq";
  static final String SYSTEM_AWS_SQS = "aws_sqs";

  static final String OPERATION_SEND = "send";
  static final String OPERATION_PUBLISH = "publish";
  static final String OPERATION_PROCESS = "process";
  static final String OPERATION_SETTLE = "settle";

  /** {@code error.type} when nothing more specific is known. */
  static final String ERROR_OTHER = "_OTHER";

  private SemanticAttributes() {}

  /** The canonical class name of {@code error}, as {@code error.type} asks. */
  static String errorType(Throwable error) {
    String name = error.getClass().getCanonicalName();
    return name != null ? name : error.getClass().getName();
  }
}
