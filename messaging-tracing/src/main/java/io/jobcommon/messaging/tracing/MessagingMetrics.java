package io.jobcommon.messaging.tracing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;

/**
 * The messaging metrics of the semantic conventions (v1.44) plus the SDK's own counters, all on the
 * meter of the {@link io.opentelemetry.api.OpenTelemetry} instance passed in. Thread-safe.
 */
final class MessagingMetrics {
  /** Bucket advice of the conventions for both duration histograms, in seconds. */
  static final List<Double> DURATION_BUCKETS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

  final DoubleHistogram operationDuration;
  final DoubleHistogram processDuration;
  final LongCounter sentMessages;
  final LongCounter consumedMessages;
  final LongCounter retried;
  final LongCounter deadLettered;
  final LongCounter invalidContexts;
  final DoubleHistogram timeInQueue;

  /** Buckets for time in queue, in seconds: from 10 ms to a day behind. */
  static final List<Double> QUEUE_TIME_BUCKETS =
      List.of(
          0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0, 14400.0, 86400.0);

  MessagingMetrics(Meter meter) {
    operationDuration =
        meter
            .histogramBuilder("messaging.client.operation.duration")
            .setDescription(
                "Duration of a messaging operation initiated by a producer or consumer.")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    processDuration =
        meter
            .histogramBuilder("messaging.process.duration")
            .setDescription("Duration of processing operation.")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    sentMessages =
        meter
            .counterBuilder("messaging.client.sent.messages")
            .setDescription("Number of messages producer attempted to send to the broker.")
            .setUnit("{message}")
            .build();
    consumedMessages =
        meter
            .counterBuilder("messaging.client.consumed.messages")
            .setDescription("Number of messages that were delivered to the application.")
            .setUnit("{message}")
            .build();
    retried =
        meter
            .counterBuilder("jc.messages.retried")
            .setDescription("Deliveries scheduled for a later attempt (retryLater).")
            .setUnit("{message}")
            .build();
    deadLettered =
        meter
            .counterBuilder("jc.messages.dead_lettered")
            .setDescription("Deliveries moved to their dead-letter queue.")
            .setUnit("{message}")
            .build();
    timeInQueue =
        meter
            .histogramBuilder("jc.message.time_in_queue")
            .setDescription(
                "Time from the producer's send to the consumer's receipt (SQS SentTimestamp, AMQP"
                    + " timestamp), per destination: how far behind the consumer is.")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(QUEUE_TIME_BUCKETS)
            .build();
    invalidContexts =
        meter
            .counterBuilder("jc.trace_context.invalid")
            .setDescription(
                "Trace contexts received that were malformed or hostile and therefore ignored.")
            .setUnit("{context}")
            .build();
  }

  static double seconds(long nanos) {
    return nanos / 1_000_000_000.0;
  }

  static Attributes empty() {
    return Attributes.empty();
  }
}
