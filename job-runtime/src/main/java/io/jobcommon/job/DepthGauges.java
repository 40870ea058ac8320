package io.jobcommon.job;

import io.jobcommon.messaging.spi.Callbacks;
import io.jobcommon.messaging.spi.DeadLetters;
import io.jobcommon.messaging.spi.LogSafe;
import io.jobcommon.messaging.spi.QueueAdmin;
import io.jobcommon.messaging.spi.QueueDepth;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.spi.TransportSettings;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queue depth gauges ({@code jc.queue.messages}) for every consumed queue and its dead-letter
 * queue, polled from the broker every {@code JOB_QUEUE_DEPTH_INTERVAL} (60 s by default, {@code 0}
 * turns them off) on one daemon thread, outside any span; the gauge callback only reads the last
 * poll, so collecting metrics never calls the broker. Thread-safe.
 */
final class DepthGauges implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DepthGauges.class);
  static final String JOB_QUEUE_DEPTH_INTERVAL = "JOB_QUEUE_DEPTH_INTERVAL";
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> STATE = AttributeKey.stringKey("jc.queue.state");

  private final String system;
  private final QueueAdmin admin;
  private final Supplier<List<String>> consumed;
  private final Map<String, QueueDepth> last = new ConcurrentHashMap<>();
  private final Set<String> failing = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService poller;
  private final ObservableLongGauge gauge;

  private DepthGauges(
      String system,
      QueueAdmin admin,
      OpenTelemetry otel,
      Duration interval,
      Supplier<List<String>> consumed) {
    this.system = system;
    this.admin = admin;
    this.consumed = consumed;
    this.gauge =
        otel.getMeter("io.jobcommon.job")
            .gaugeBuilder("jc.queue.messages")
            .ofLongs()
            .setDescription(
                "Messages in a consumed queue or its dead-letter queue, by state (ready, in_flight,"
                    + " delayed), as the broker last reported them.")
            .setUnit("{message}")
            .buildWithCallback(this::observe);
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "jc-queue-depth");
              t.setDaemon(true);
              return t;
            });
    long ms = interval.toMillis();
    Callbacks.scheduleWithFixedDelay(poller, this::poll, 0, ms, TimeUnit.MILLISECONDS);
  }

  /**
   * Starts polling, unless turned off or the transport cannot tell depths.
   *
   * @throws io.jobcommon.messaging.ConfigurationException when the interval is malformed
   */
  static @Nullable DepthGauges start(
      Transport raw, OpenTelemetry otel, TransportSettings env, Supplier<List<String>> consumed) {
    Duration interval = env.getDuration(JOB_QUEUE_DEPTH_INTERVAL, DEFAULT_INTERVAL);
    if (interval.isZero()) {
      return null;
    }
    return raw.queueAdmin()
        .map(a -> new DepthGauges(raw.system(), a, otel, interval, consumed))
        .orElse(null);
  }

  /** Polls now; runs on the poller thread (tests call it directly). */
  @SuppressWarnings("try") // the scope is used for its side effect only
  void poll() {
    Set<String> queues = new LinkedHashSet<>();
    for (String q : consumed.get()) {
      queues.add(q);
      queues.add(DeadLetters.queueName(q));
    }
    // No span is current here, so broker calls made for the poll never join or start a trace.
    try (Scope ignored = Context.root().makeCurrent()) {
      for (String q : queues) {
        try {
          last.put(q, admin.depth(q));
          if (failing.remove(q)) {
            log.info("queue depth of {} readable again", LogSafe.of(q));
          }
        } catch (RuntimeException e) {
          last.remove(q);
          if (failing.add(q)) {
            log.warn(
                "cannot read the depth of queue {} (logged once until it works): {}",
                LogSafe.of(q),
                LogSafe.of(e.getMessage()));
          }
        }
      }
    }
    last.keySet().retainAll(queues);
  }

  private void observe(ObservableLongMeasurement m) {
    for (QueueDepth d : new ArrayList<>(last.values())) {
      record(m, d.queue(), "ready", d.ready());
      record(m, d.queue(), "in_flight", d.inFlight());
      record(m, d.queue(), "delayed", d.delayed());
    }
  }

  private void record(ObservableLongMeasurement m, String queue, String state, long value) {
    if (value >= 0) {
      m.record(value, Attributes.of(SYSTEM, system, DESTINATION, queue, STATE, state));
    }
  }

  @Override
  public void close() {
    poller.shutdownNow();
    gauge.close();
  }
}
