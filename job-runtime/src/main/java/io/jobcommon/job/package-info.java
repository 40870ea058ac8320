/**
 * The job runtime: {@link io.jobcommon.job.JobRuntime} turns the environment ({@code
 * MESSAGING_BROKER}, {@code OTEL_*}, {@code JOB_*}) into a traced broker connection and runs job
 * workers ({@code run}) and cron entry points ({@code runScheduled}) with graceful shutdown and
 * telemetry that is flushed before the process ends.
 */
@NullMarked
package io.jobcommon.job;

import org.jspecify.annotations.NullMarked;
