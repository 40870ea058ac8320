package io.jobcommon.reliability;

import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.sqs.SqsTransport;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link AbstractSigtermIT} on SQS (embedded ElasticMQ in this JVM). */
@ReliabilityTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SigtermSqsIT extends AbstractSigtermIT {
  private static SqsBroker sqs;
  private static SqsTransport transport;

  @BeforeAll
  static void connect(SqsBroker broker) {
    sqs = broker;
    transport = broker.transport().build();
  }

  @AfterAll
  static void close() {
    transport.close();
  }

  /**
   * KNOWN BUG (messaging-sqs, {@code SqsSubscription.close}), so tagged {@code known-bug} and left
   * out of the default run: when handlers outlive JOB_SHUTDOWN_TIMEOUT, the runtime closes the
   * transport while the Dispatcher's close of the same subscription is still waiting for the
   * handler pool. The second {@code close()} calls {@code awaitClosed()} INSIDE {@code synchronized
   * (lock)}; the interrupted handlers then settle (retryLater), and {@code onSettled} needs that
   * lock: they block, the pool never terminates, the first close never finishes, the latch is never
   * counted down. A deadlock until the runtime gives up on the transport after 10 s and exits: the
   * shutdown takes 10 s longer than configured, the retry settlements never happen (messages come
   * back only when their lease runs out) and the spans of those deliveries are never ended, so
   * never exported (0 spans exported). Fix: in {@code close()}, decide under the lock but wait
   * outside it: {@code boolean again; synchronized (lock) { again = closing; closing = true;
   * lock.notifyAll(); } if (again) { awaitClosed(); return; }}.
   */
  @Override
  @Test
  @Tag("known-bug")
  void handlersStillRunningAtTheDeadlineGiveTheirMessagesBack() throws Exception {
    super.handlersStillRunningAtTheDeadlineGiveTheirMessagesBack();
  }

  @Override
  String broker() {
    return "sqs";
  }

  @Override
  Map<String, String> brokerEnv() {
    return sqs.childEnv();
  }

  @Override
  MessageClient client() {
    return MessageClient.create(transport);
  }

  @Override
  Transport drainTransport() {
    return transport;
  }

  @Override
  String newQueue() {
    return SqsBroker.queue("sigterm");
  }

  @Override
  int leaseSeconds() {
    return 3;
  }
}
