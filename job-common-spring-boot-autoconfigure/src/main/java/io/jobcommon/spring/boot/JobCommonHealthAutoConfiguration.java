package io.jobcommon.spring.boot;

import io.jobcommon.job.JobRuntime;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code jobCommon} health contributor, where Spring Boot's health support is on the class path
 * (Actuator). It is part of the readiness group unless the application names that group's members
 * itself.
 */
@AutoConfiguration(after = JobCommonAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(JobRuntime.class)
public class JobCommonHealthAutoConfiguration {

  /** Creates the configuration; Spring calls it. */
  public JobCommonHealthAutoConfiguration() {}

  /** Broker connection and every consumer: UP, DOWN, or OUT_OF_SERVICE while draining. */
  @Bean(name = "jobCommonHealthIndicator")
  @ConditionalOnMissingBean(name = "jobCommonHealthIndicator")
  public HealthIndicator jobCommonHealthIndicator(JobRuntime runtime) {
    return new JobCommonHealthIndicator(runtime);
  }
}
