/**
 * {@link io.jobcommon.examples.demo.Demo}: the API service, the jobs and the cron job in one
 * process on an embedded SQS (or RabbitMQ), each with its own {@code service.name}; a simulated
 * browser request starts the trace, and the spans are printed as a waterfall per trace.
 */
@NullMarked
package io.jobcommon.examples.demo;

import org.jspecify.annotations.NullMarked;
