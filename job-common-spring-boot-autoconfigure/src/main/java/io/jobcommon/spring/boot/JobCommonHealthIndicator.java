package io.jobcommon.spring.boot;

import io.jobcommon.job.JobRuntime;
import io.jobcommon.job.JobRuntimeHealth;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports the runtime's real state: the broker connection and every consumer. Computed on every
 * call, never cached; creates no spans. Thread-safe.
 */
final class JobCommonHealthIndicator implements HealthIndicator {
  private final JobRuntime runtime;

  JobCommonHealthIndicator(JobRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public Health health() {
    JobRuntimeHealth h = runtime.health();
    Health.Builder b =
        h.isUp() ? Health.up() : h.isStopping() ? Health.outOfService() : Health.down();
    Map<String, String> consumers = new LinkedHashMap<>();
    for (JobRuntimeHealth.Consumer c : h.consumers()) {
      consumers.merge(c.queue(), c.running() ? "UP" : "DOWN", (x, y) -> x.equals("UP") ? y : x);
    }
    return b.withDetail("broker", h.broker())
        .withDetail("brokerConnection", h.brokerHealthy() ? "UP" : "DOWN")
        .withDetail("consumers", consumers)
        .build();
  }
}
