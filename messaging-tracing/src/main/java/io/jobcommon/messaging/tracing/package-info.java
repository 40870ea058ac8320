/**
 * OpenTelemetry tracing and metrics for any {@link io.jobcommon.messaging.spi.Transport}: {@link
 * io.jobcommon.messaging.tracing.MessagingTelemetry#wrap} returns a transport that starts a
 * producer span per send and a consumer span per delivery, and carries the trace context across the
 * broker in the headers the OpenTelemetry agents and the TypeScript job-common read. Needs the
 * OpenTelemetry API only.
 */
@NullMarked
package io.jobcommon.messaging.tracing;

import org.jspecify.annotations.NullMarked;
