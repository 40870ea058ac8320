package io.jobcommon.benchmarks;

import java.util.List;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** Deletes a run's SQS queues (the queue and the SDK's {@code -dlq}) once the run is over. */
final class SqsCleanup implements Workload.Cleanup {
  private final SqsBroker broker;
  private final List<String> queues;

  SqsCleanup(SqsBroker broker, List<String> queues) {
    this.broker = broker;
    this.queues = List.copyOf(queues);
  }

  @Override
  public void close() {
    SqsAsyncClient client = broker.admin();
    for (String q : queues) {
      try {
        String url = client.getQueueUrl(b -> b.queueName(q)).join().queueUrl();
        client.deleteQueue(b -> b.queueUrl(url)).join();
      } catch (RuntimeException e) {
        // not created by this run (no dead letters): nothing to delete
      }
    }
  }
}
