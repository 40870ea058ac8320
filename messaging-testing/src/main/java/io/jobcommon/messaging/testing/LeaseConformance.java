package io.jobcommon.messaging.testing;

import static io.jobcommon.messaging.testing.TransportConformanceKit.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcommon.messaging.ConsumerOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The kit's promises of leases: what keeps a received message from other consumers, and how long.
 */
abstract class LeaseConformance extends ConformanceGroup {
  private static final Duration SHORT_LEASE = Duration.ofSeconds(1);

  LeaseConformance(TransportConformanceKit kit) {
    super(kit);
  }

  private ConsumerOptions shortLease(int concurrency) {
    return options(concurrency, 0).toBuilder().setLease(SHORT_LEASE).build();
  }

  /**
   * A message whose handler runs (and extends its lease, for transports whose leases expire) stays
   * with that handler: neither its own consumer nor another consumer of the queue gets it, for many
   * times the lease.
   */
  @Test
  void aRunningHandlerKeepsItsMessageFromEveryOtherConsumer() throws Exception {
    String queue = newQueueName();
    send(queue, "long job");
    CountDownLatch finish = new CountDownLatch(1);
    List<CompletableFuture<Void>> extended = new CopyOnWriteArrayList<>();
    Recorder recorder =
        new Recorder(
            d -> {
              extended.add(d.extendLease(Duration.ofSeconds(20)));
              if (finish.await(30, TimeUnit.SECONDS)) {
                d.ack().join();
              }
            });
    subscribe(queue, shortLease(2), recorder);
    recorder.next(WAIT);
    Recorder elsewhere = Recorder.acking();
    subscribe(queue, shortLease(2), elsewhere);
    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(6))
        .until(() -> recorder.count() == 1 && elsewhere.count() == 0);
    assertThat(extended).hasSize(1);
    extended.get(0).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    finish.countDown();
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> recorder.count() == 1 && elsewhere.count() == 0);
  }

  /** Where leases expire, an unsettled message whose lease runs out is delivered again. */
  @Test
  void anUnsettledMessageComesBackWhenItsLeaseRunsOut() throws Exception {
    kit.assumeExpiringLeases();
    String queue = newQueueName();
    send(queue, "forgotten");
    Recorder recorder =
        new Recorder(
            d -> {
              if (d.attempt() > 1) {
                d.ack();
              }
            });
    // Two handlers: the forgotten delivery keeps its slot, as it is never settled.
    subscribe(queue, shortLease(2), recorder);
    Recorder.Received first = recorder.next(WAIT);
    Recorder.Received second = recorder.next(WAIT);
    assertThat(second.delivery.messageId()).isEqualTo(first.delivery.messageId());
    assertThat(second.delivery.attempt()).isEqualTo(2);
    assertThat(Duration.ofNanos(second.nanoTime - first.nanoTime))
        .isGreaterThanOrEqualTo(SHORT_LEASE.minus(SendConformance.TIMER_SLACK));
  }

  /**
   * {@code extendLease} after a settle is ignored: it completes normally and does not hold the
   * retried message back.
   */
  @Test
  void extendLeaseAfterASettleIsIgnored() throws Exception {
    String queue = newQueueName();
    send(queue, "retry then extend");
    List<CompletableFuture<Void>> extended = new CopyOnWriteArrayList<>();
    Recorder recorder =
        new Recorder(
            d -> {
              if (d.attempt() == 1) {
                d.retryLater(Duration.ZERO).join();
                extended.add(d.extendLease(Duration.ofSeconds(60)));
              } else {
                d.ack();
              }
            });
    subscribe(queue, options(1, 0), recorder);
    recorder.next(WAIT);
    // Well within the 60 s the ignored extension asked for.
    Recorder.Received second = recorder.next(Duration.ofSeconds(15));
    assertThat(second.delivery.attempt()).isEqualTo(2);
    assertThat(extended).hasSize(1);
    assertThat(extended.get(0)).isCompleted();
    assertThat(extended.get(0).isCompletedExceptionally()).isFalse();
  }
}
