package io.jobcommon.messaging.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class AckWindowTest {
  private static final long LINGER = 5_000_000;

  private final AckWindow window = new AckWindow(3, 6, LINGER);

  private CompletableFuture<Void> ack(long tag, long now) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    assertThat(window.ack(tag, f, now)).isEqualTo(AckWindow.Outcome.WAITING);
    return f;
  }

  private void deliver(long from, long to) {
    for (long t = from; t <= to; t++) {
      assertThat(window.delivered(t)).isTrue();
    }
  }

  @Test
  void inOrderAcksGoOutAsOneMultipleAckOnceEnoughWait() {
    deliver(1, 5);
    ack(1, 0);
    ack(2, 0);
    assertThat(window.isFlushDue()).isFalse();
    assertThat(window.hasWaiting()).isTrue();
    ack(3, 0);
    assertThat(window.isFlushDue()).isTrue();

    AckWindow.Batch batch = window.take(0, false);

    assertThat(batch.multipleTag).isEqualTo(3);
    assertThat(batch.singles).isEmpty();
    assertThat(batch.done).hasSize(3);
    assertThat(window.hasWaiting()).isFalse();
    assertThat(window.tracked()).isEqualTo(2); // 4 and 5 still open
  }

  @Test
  void aMultipleAckNeverCoversAnOpenDelivery() {
    deliver(1, 5);
    ack(1, 0);
    ack(3, 0);
    ack(4, 0);
    ack(5, 0); // 2 is still being handled

    AckWindow.Batch batch = window.take(0, false);

    assertThat(batch.multipleTag).isEqualTo(1);
    assertThat(batch.singles).isEmpty(); // 3..5 have not waited the linger yet
    assertThat(batch.done).hasSize(1);

    ack(2, 1);
    batch = window.take(1, false);
    assertThat(batch.multipleTag).isEqualTo(5);
    assertThat(batch.done).hasSize(4);
    assertThat(window.tracked()).isZero();
  }

  @Test
  void acksAboveAStuckDeliveryGoOutAloneAfterTheLinger() {
    deliver(1, 4);
    ack(2, 0);
    ack(3, 0);

    AckWindow.Batch early = window.take(LINGER - 1, false);
    assertThat(early.isEmpty()).isTrue();

    AckWindow.Batch late = window.take(LINGER, false);
    assertThat(late.multipleTag).isEqualTo(-1);
    assertThat(late.singles).containsExactly(2L, 3L);
    assertThat(late.done).hasSize(2);
    assertThat(window.hasWaiting()).isFalse();

    // Once 1 is acked, the multiple ack names 1 only: 2 and 3 were acked already, and acking an
    // acked tag again would close the channel.
    ack(1, LINGER);
    ack(4, LINGER);
    AckWindow.Batch next = window.take(LINGER, false);
    assertThat(next.multipleTag).isEqualTo(4);
    assertThat(next.done).hasSize(2);
    assertThat(window.tracked()).isZero();
  }

  @Test
  void aPrefixOfAcksSentAloneIsDroppedWithoutAnotherAck() {
    deliver(1, 3);
    ack(2, 0);
    ack(3, 0);
    assertThat(window.take(LINGER, false).singles).containsExactly(2L, 3L);

    ack(1, LINGER);
    AckWindow.Batch batch = window.take(LINGER, false);

    assertThat(batch.multipleTag).isEqualTo(1);
    assertThat(batch.singles).isEmpty();
    assertThat(window.tracked()).isZero();
  }

  @Test
  void aNackedDeliveryNoLongerHoldsThePrefix() {
    deliver(1, 4);
    ack(1, 0);
    assertThat(window.nacked(2)).isTrue();
    ack(3, 0);

    AckWindow.Batch batch = window.take(0, false);

    assertThat(batch.multipleTag).isEqualTo(3);
    assertThat(batch.done).hasSize(2);
    assertThat(window.tracked()).isEqualTo(1);
  }

  @Test
  void aPrefixOfNackedDeliveriesIsDroppedAtOnce() {
    deliver(1, 3);
    window.nacked(1);
    window.nacked(2);

    assertThat(window.tracked()).isEqualTo(1);
    assertThat(window.take(0, true).isEmpty()).isTrue();
  }

  @Test
  void tooManyWaitingAcksGoOutAtOnceEvenAboveAnOpenDelivery() {
    deliver(1, 8);
    for (long t = 2; t <= 6; t++) {
      ack(t, 0);
      assertThat(window.isFlushDue()).isFalse(); // the prefix is empty: 1 is open
    }
    ack(7, 0);
    assertThat(window.isFlushDue()).isTrue(); // 6 waiting = maxWaiting

    AckWindow.Batch batch = window.take(0, false);

    assertThat(batch.multipleTag).isEqualTo(-1);
    assertThat(batch.singles).containsExactly(2L, 3L, 4L, 5L, 6L, 7L);
  }

  @Test
  void takingAllSendsEveryWaitingAck() {
    deliver(1, 4);
    ack(1, 0);
    ack(3, 0);

    AckWindow.Batch batch = window.take(0, true);

    assertThat(batch.multipleTag).isEqualTo(1);
    assertThat(batch.singles).containsExactly(3L);
    assertThat(batch.done).hasSize(2);
  }

  @Test
  void anUnknownOrSettledTagIsReported() {
    deliver(1, 2);
    ack(1, 0);
    CompletableFuture<Void> f = new CompletableFuture<>();

    assertThat(window.ack(9, f, 0)).isEqualTo(AckWindow.Outcome.UNKNOWN);
    assertThat(window.ack(1, f, 0)).isEqualTo(AckWindow.Outcome.SETTLED);
    assertThat(window.nacked(1)).isFalse();
    assertThat(window.nacked(9)).isFalse();
  }

  @Test
  void clearReturnsTheWaitingFuturesAndAcceptsTagsFromScratch() {
    deliver(5, 7);
    CompletableFuture<Void> f = ack(6, 0);
    assertThat(window.delivered(3)).isFalse(); // a new channel: tags restarted

    assertThat(window.clear()).containsExactly(f);
    assertThat(window.tracked()).isZero();
    assertThat(window.hasWaiting()).isFalse();
    assertThat(window.delivered(1)).isTrue();
  }

  @Test
  void theRingGrowsAndKeepsTagsInOrder() {
    AckWindow big = new AckWindow(1000, 1000, Long.MAX_VALUE);
    for (long t = 1; t <= 300; t++) {
      big.delivered(t);
    }
    for (long t = 300; t >= 2; t--) {
      big.ack(t, new CompletableFuture<>(), 0);
    }
    assertThat(big.take(0, false).isEmpty()).isTrue();
    big.ack(1, new CompletableFuture<>(), 0);
    AckWindow.Batch batch = big.take(0, false);
    assertThat(batch.multipleTag).isEqualTo(300);
    assertThat(batch.done).hasSize(300);
  }

  /**
   * Random settlement orders against a model of the broker: an ack of an unacked tag (multiple:
   * every unacked tag up to it) must never touch an unsettled or a nacked delivery, must never name
   * an unknown tag, and at the end every acked delivery was acked exactly once.
   */
  @Test
  void randomSettlementOrdersAckEverySettledDeliveryOnceAndNothingElse() {
    Random random = new Random(42);
    for (int run = 0; run < 200; run++) {
      AckWindow w = new AckWindow(1 + random.nextInt(8), 4 + random.nextInt(20), 3);
      int n = 1 + random.nextInt(150);
      long base = random.nextInt(1000);
      BitSet brokerUnacked = new BitSet();
      BitSet settledAck = new BitSet();
      List<Integer> order = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        order.add(i);
      }
      Collections.shuffle(order, random);
      int delivered = 0;
      long now = 0;
      List<CompletableFuture<Void>> futures = new ArrayList<>();
      for (int i : order) {
        while (delivered < i || (delivered < n && random.nextBoolean())) {
          delivered++;
          assertThat(w.delivered(base + delivered)).isTrue();
          brokerUnacked.set(delivered);
        }
        now += random.nextInt(3);
        if (random.nextInt(5) == 0) {
          assertThat(w.nacked(base + i)).isTrue();
          brokerUnacked.clear(i);
        } else {
          CompletableFuture<Void> f = new CompletableFuture<>();
          futures.add(f);
          assertThat(w.ack(base + i, f, now)).isEqualTo(AckWindow.Outcome.WAITING);
          settledAck.set(i);
        }
        if (w.isFlushDue() || random.nextInt(4) == 0) {
          apply(w.take(now, false), base, brokerUnacked, settledAck);
        }
      }
      apply(w.take(now, true), base, brokerUnacked, settledAck);
      assertThat(brokerUnacked.isEmpty())
          .as("run %d: everything settled left the broker", run)
          .isTrue();
      assertThat(futures).allMatch(CompletableFuture::isDone);
      assertThat(w.hasWaiting()).isFalse();
    }
  }

  private static void apply(AckWindow.Batch batch, long base, BitSet unacked, BitSet settled) {
    if (batch.multipleTag >= 0) {
      int top = (int) (batch.multipleTag - base);
      assertThat(unacked.get(top)).as("multiple ack of a known, unacked tag %d", top).isTrue();
      for (int t = unacked.nextSetBit(0); t >= 0 && t <= top; t = unacked.nextSetBit(t + 1)) {
        assertThat(settled.get(t)).as("multiple ack up to %d covers unsettled %d", top, t).isTrue();
        unacked.clear(t);
      }
    }
    for (long tag : batch.singles) {
      int t = (int) (tag - base);
      assertThat(unacked.get(t)).as("single ack of a known, unacked tag %d", t).isTrue();
      assertThat(settled.get(t)).isTrue();
      unacked.clear(t);
    }
    batch.done.forEach(f -> f.complete(null));
  }
}
