package io.jobcommon.messaging.sqs;

import java.time.Duration;

/** The SQS service limits the transport checks before it makes a call. */
final class SqsLimits {
  /** Message attributes per message (system attributes such as AWSTraceHeader do not count). */
  static final int MAX_ATTRIBUTES = 10;

  /** Entries per SendMessageBatch, DeleteMessageBatch, ChangeMessageVisibilityBatch. */
  static final int MAX_BATCH_ENTRIES = 10;

  /** Largest message, and largest sum of messages in one SendMessageBatch: 1 MiB. */
  static final int MAX_MESSAGE_BYTES = 1024 * 1024;

  /** Longest per-message delay. */
  static final Duration MAX_DELAY = Duration.ofMinutes(15);

  /** Longest total invisibility of one receipt. */
  static final Duration MAX_VISIBILITY = Duration.ofHours(12);

  /** Longest long-poll wait. */
  static final int MAX_WAIT_SECONDS = 20;

  /** Longest attribute name. */
  static final int MAX_ATTRIBUTE_NAME_LENGTH = 256;

  private SqsLimits() {}
}
