package io.jobcommon.spring.boot;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Puts the {@code jobCommon} health contributor into Actuator's readiness group, as a default that
 * any property of the application overrides: a worker whose broker connection or consumers are down
 * should get no traffic, but stay alive while the connection recovers.
 */
final class ReadinessGroupDefaults implements EnvironmentPostProcessor {
  static final String PROPERTY = "management.endpoint.health.group.readiness.include";

  ReadinessGroupDefaults() {}

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    if (environment.containsProperty(PROPERTY)) {
      return;
    }
    environment
        .getPropertySources()
        .addLast(
            new MapPropertySource(
                "jobCommonReadinessDefaults", Map.of(PROPERTY, "readinessState,jobCommon")));
  }
}
