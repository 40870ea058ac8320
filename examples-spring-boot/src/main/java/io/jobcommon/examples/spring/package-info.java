/**
 * A Spring Boot service on the job-common starter: {@link
 * io.jobcommon.examples.spring.SbomController} sends, {@link
 * io.jobcommon.examples.spring.SbomWorker} and {@link io.jobcommon.examples.spring.ComponentWorker}
 * consume, {@link io.jobcommon.examples.spring.DailyVulnMatch} runs on a schedule in its own trace.
 */
@NullMarked
package io.jobcommon.examples.spring;

import org.jspecify.annotations.NullMarked;
