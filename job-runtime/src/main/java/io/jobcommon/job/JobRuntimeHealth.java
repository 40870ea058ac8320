package io.jobcommon.job;

import java.util.List;
import java.util.Objects;

/**
 * The state of a {@link JobRuntime}: its broker connection and every consumer it started, for
 * health endpoints of hosts such as Spring Boot's Actuator. Immutable; nothing is null.
 *
 * @param state {@code UP}, {@code DOWN} (the broker connection or a consumer is not working) or
 *     {@code STOPPING} (the runtime is closing)
 * @param broker the broker system, for example {@code rabbitmq} or {@code aws_sqs}
 * @param brokerHealthy whether the broker connection works
 * @param consumers every consumer started, in start order
 */
public record JobRuntimeHealth(
    String state, String broker, boolean brokerHealthy, List<Consumer> consumers) {

  /** One consumer: its queue and whether it is receiving. */
  public record Consumer(String queue, boolean running) {
    /** Checks the queue is not null. */
    public Consumer {
      Objects.requireNonNull(queue, "queue");
    }
  }

  /** Copies the consumers; checks nothing is null. */
  public JobRuntimeHealth {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(broker, "broker");
    consumers = List.copyOf(consumers);
  }

  /** Whether the broker connection works and every consumer is running. */
  public boolean isUp() {
    return state.equals("UP");
  }

  /** Whether the runtime is closing (consumers draining). */
  public boolean isStopping() {
    return state.equals("STOPPING");
  }

  static JobRuntimeHealth of(HealthServer.Status status) {
    return new JobRuntimeHealth(
        status.state(),
        status.broker(),
        status.brokerHealthy(),
        status.consumers().stream().map(c -> new Consumer(c.queue(), c.running())).toList());
  }
}
