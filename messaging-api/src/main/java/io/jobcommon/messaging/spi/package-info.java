/**
 * The broker SPI: what a transport (SQS, RabbitMQ, in-memory) implements, and the shared pieces
 * every transport uses ({@link io.jobcommon.messaging.spi.AbstractDelivery}, {@link
 * io.jobcommon.messaging.spi.HandlerPool}). Users normally only build a transport and pass it on.
 */
@NullMarked
package io.jobcommon.messaging.spi;

import org.jspecify.annotations.NullMarked;
