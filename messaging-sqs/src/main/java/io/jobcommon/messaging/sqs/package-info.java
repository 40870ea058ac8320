/**
 * The Amazon SQS transport: {@link io.jobcommon.messaging.sqs.SqsTransport} on AWS SDK v2's {@code
 * SqsAsyncClient}, with batched sends and deletes, an automatic visibility heartbeat, FIFO group
 * ordering and dead-letter queues; {@link io.jobcommon.messaging.sqs.SqsTransportProvider} selects
 * it by the name {@code sqs}. Everything else in the package is internal.
 */
@NullMarked
package io.jobcommon.messaging.sqs;

import org.jspecify.annotations.NullMarked;
