package io.jobcommon.spring.boot;

import io.jobcommon.job.JobRuntimeBuilder;

/**
 * Adjusts the {@link JobRuntimeBuilder} before the auto-configured runtime is built, after the
 * properties were applied: a test's own {@code InMemoryTransport}, a codec, a shutdown timeout.
 * Every bean of this type is applied, in {@code @Order}.
 *
 * <pre>{@code
 * @Bean
 * JobRuntimeCustomizer inMemoryBroker(InMemoryTransport broker) {
 *   return builder -> builder.setTransport(broker);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface JobRuntimeCustomizer {
  /** Changes {@code builder}; called once, on the thread that creates the runtime. */
  void customize(JobRuntimeBuilder builder);
}
