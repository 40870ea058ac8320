/**
 * The RabbitMQ transport: {@link io.jobcommon.messaging.rabbitmq.RabbitMqTransport} on amqp-client,
 * with publisher confirms, per-queue delay tiers for retries, dead-letter queues and automatic
 * connection recovery. Everything but the transport, its builder, {@link
 * io.jobcommon.messaging.rabbitmq.QueueType} and the provider is package-private.
 */
@NullMarked
package io.jobcommon.messaging.rabbitmq;

import org.jspecify.annotations.NullMarked;
