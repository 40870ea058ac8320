package io.jobcommon.messaging.sqs;

import java.util.function.Supplier;

/**
 * Starts an AWS SDK call from a thread that may be interrupted, such as a handler thread the
 * shutdown interrupted at its deadline: the SDK fails a call started on an interrupted thread (a
 * {@code SdkClientException} without a message), so the interrupted handler's retry or release
 * would never reach SQS and its message would come back only when its lease ran out. The interrupt
 * is cleared for the call and set again afterwards, so the handler still sees it. Stateless.
 */
final class Uninterrupted {
  private Uninterrupted() {}

  static <T> T call(Supplier<T> action) {
    if (!Thread.interrupted()) {
      return action.get();
    }
    try {
      return action.get();
    } finally {
      Thread.currentThread().interrupt();
    }
  }
}
