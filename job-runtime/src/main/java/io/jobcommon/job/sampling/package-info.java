/**
 * Sampling on the OpenTelemetry SDK: the job-common default sampler and the "keep every error"
 * option that exports spans ending in ERROR even when the head decision was not to sample. The job
 * runtime wires them into the SDK it builds; applications that build their own SDK may use them
 * directly.
 */
@NullMarked
package io.jobcommon.job.sampling;

import org.jspecify.annotations.NullMarked;
