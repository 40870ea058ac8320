package io.jobcommon.messaging.sqs;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** What one transport's subscriptions share. */
record SqsResources(
    SqsAsyncClient client,
    QueueDirectory queues,
    SqsSender sender,
    ScheduledExecutorService scheduler,
    Clock clock,
    Duration deleteDelay) {}
