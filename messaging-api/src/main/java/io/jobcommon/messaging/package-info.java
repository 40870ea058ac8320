/**
 * The broker-neutral API: {@link io.jobcommon.messaging.MessageClient} to send, {@link
 * io.jobcommon.messaging.JobConsumer} to receive, {@link io.jobcommon.messaging.RetryPolicy} and
 * {@link io.jobcommon.messaging.ConsumerOptions} to tune, and {@link
 * io.jobcommon.messaging.Dispatcher} to run consumers on any transport. No broker or OpenTelemetry
 * type appears here.
 */
@NullMarked
package io.jobcommon.messaging;

import org.jspecify.annotations.NullMarked;
