package io.jobcommon.job;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import java.util.function.Supplier;

/**
 * The runtime's own gauge {@value #CONSUMER_RUNNING}: 1 per queue whose consumer runs, 0 per queue
 * whose consumer stopped (channel lost, queue deleted), read from the same state as the health
 * endpoint at every collection. An alert on it fires where a health check would only restart the
 * pod. Thread-safe.
 */
final class ConsumerMetrics implements AutoCloseable {
  static final String CONSUMER_RUNNING = "jc.consumer.running";
  static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");

  private final ObservableLongGauge gauge;

  private ConsumerMetrics(ObservableLongGauge gauge) {
    this.gauge = gauge;
  }

  /** Registers the gauge on {@code meter}; {@link #close()} removes it. */
  static ConsumerMetrics register(Meter meter, Supplier<HealthServer.Status> status) {
    ObservableLongGauge gauge =
        meter
            .gaugeBuilder(CONSUMER_RUNNING)
            .ofLongs()
            .setUnit("{consumer}")
            .setDescription("1 while the consumer of the queue runs, 0 when it stopped.")
            .buildWithCallback(
                measurement -> {
                  HealthServer.Status s = status.get();
                  for (HealthServer.Consumer c : s.consumers()) {
                    measurement.record(
                        c.running() ? 1 : 0,
                        Attributes.of(DESTINATION, c.queue(), SYSTEM, s.broker()));
                  }
                });
    return new ConsumerMetrics(gauge);
  }

  @Override
  public void close() {
    gauge.close();
  }
}
