/**
 * Sampling helpers that need the OpenTelemetry SDK (an optional dependency of this module): the
 * job-common default sampler and the "keep every error" option that exports spans ending in ERROR
 * even when the head decision was not to sample. The job runtime wires them; applications that
 * build their own SDK may use them directly.
 */
@NullMarked
package io.jobcommon.messaging.tracing.sdk;

import org.jspecify.annotations.NullMarked;
