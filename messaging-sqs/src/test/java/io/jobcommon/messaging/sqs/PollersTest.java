package io.jobcommon.messaging.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.messaging.ConsumerOptions;
import org.junit.jupiter.api.Test;

class PollersTest {
  private static ConsumerOptions options(int concurrency, int prefetch) {
    return ConsumerOptions.builder().setConcurrency(concurrency).setPrefetch(prefetch).build();
  }

  @Test
  void onePollPerTenMessagesOfRoom() {
    assertThat(SqsSubscription.pollers(options(30, 10))).isEqualTo(4);
    assertThat(SqsSubscription.pollers(options(10, 100))).isEqualTo(10);
  }

  @Test
  void noMorePollsThanHandlers() {
    // A walk of a queue (one handler, deep prefetch) keeps one poll out: every poll a close cuts
    // off may still take messages on the server, hidden until their lease runs out.
    assertThat(SqsSubscription.pollers(options(1, 10_000))).isEqualTo(1);
    assertThat(SqsSubscription.pollers(options(3, 100))).isEqualTo(3);
  }

  @Test
  void atLeastOneAndAtMostTheCap() {
    assertThat(SqsSubscription.pollers(options(1, 0))).isEqualTo(1);
    assertThat(SqsSubscription.pollers(options(500, 500))).isEqualTo(SqsSubscription.MAX_POLLERS);
  }
}
