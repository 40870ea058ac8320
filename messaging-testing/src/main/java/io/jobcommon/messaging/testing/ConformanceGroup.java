package io.jobcommon.messaging.testing;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import java.util.Map;

/**
 * What the kit's test groups share: the kit instance of the running test (its transport, queue
 * names, options and capabilities). Not thread-safe; one per test.
 */
abstract class ConformanceGroup {
  final TransportConformanceKit kit;

  ConformanceGroup(TransportConformanceKit kit) {
    this.kit = kit;
  }

  Transport transport() {
    return kit.transport;
  }

  String newQueueName() {
    return kit.newQueueName();
  }

  ConsumerOptions options(int concurrency, int prefetch) {
    return kit.options(concurrency, prefetch);
  }

  Subscription subscribe(String queue, ConsumerOptions options, Recorder handler) {
    return kit.subscribe(queue, options, handler);
  }

  String send(String queue, byte[] body, Map<String, String> headers) {
    return kit.send(queue, body, headers);
  }

  String send(String queue, String body) {
    return kit.send(queue, body);
  }
}
