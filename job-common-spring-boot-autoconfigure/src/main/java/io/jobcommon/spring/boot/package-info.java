/**
 * Spring Boot auto-configuration for job-common: {@code jobcommon.*} properties that map to the
 * runtime's environment variables, {@code MessageClient} and traced {@code Transport} beans, every
 * {@code JobConsumer} bean and {@link io.jobcommon.spring.boot.JobListener} method run by Spring's
 * lifecycle, the application's OpenTelemetry, and an Actuator health contributor.
 */
@NullMarked
package io.jobcommon.spring.boot;

import org.jspecify.annotations.NullMarked;
