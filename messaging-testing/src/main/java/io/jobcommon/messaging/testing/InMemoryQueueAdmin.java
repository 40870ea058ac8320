package io.jobcommon.messaging.testing;

import io.jobcommon.messaging.spi.QueueAdmin;
import io.jobcommon.messaging.spi.QueueDepth;
import java.util.List;
import java.util.Optional;

/** The in-memory broker's queue names and depths. Thread-safe (reads under the broker's lock). */
final class InMemoryQueueAdmin implements QueueAdmin {
  private final InMemoryTransport transport;

  InMemoryQueueAdmin(InMemoryTransport transport) {
    this.transport = transport;
  }

  @Override
  public Optional<List<String>> listQueues(String prefix) {
    return Optional.of(transport.queueNames().stream().filter(q -> q.startsWith(prefix)).toList());
  }

  @Override
  public QueueDepth depth(String queue) {
    return transport.depth(queue);
  }
}
