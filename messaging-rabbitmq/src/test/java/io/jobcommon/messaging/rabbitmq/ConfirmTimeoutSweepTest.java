package io.jobcommon.messaging.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import org.junit.jupiter.api.Test;

class ConfirmTimeoutSweepTest {
  private static Pending publishedAt(String id, long nanos) {
    Pending p =
        new Pending(
            "q", "q", 0, new AMQP.BasicProperties.Builder().messageId(id).build(), new byte[0], 0);
    p.publishedNanos = nanos;
    return p;
  }

  @Test
  void theSweepClaimsOverduePublishesInOrderAndStopsAtTheFirstOneNotDue() {
    ConcurrentSkipListMap<Long, Pending> unconfirmed = new ConcurrentSkipListMap<>();
    unconfirmed.put(1L, publishedAt("a", 100));
    unconfirmed.put(2L, publishedAt("b", 200));
    unconfirmed.put(3L, publishedAt("c", 300));
    List<String> expired = new ArrayList<>();

    PublishChannel.expire(unconfirmed, 200, p -> expired.add(p.messageId()));

    assertThat(expired).containsExactly("a", "b");
    assertThat(unconfirmed).containsOnlyKeys(3L);
  }

  @Test
  void publishTimesAreComparedSafelyAcrossTheNanoTimeWrap() {
    ConcurrentSkipListMap<Long, Pending> unconfirmed = new ConcurrentSkipListMap<>();
    unconfirmed.put(1L, publishedAt("old", Long.MAX_VALUE - 10));
    unconfirmed.put(2L, publishedAt("new", Long.MIN_VALUE + 10));
    List<String> expired = new ArrayList<>();

    PublishChannel.expire(unconfirmed, Long.MAX_VALUE, p -> expired.add(p.messageId()));

    assertThat(expired).containsExactly("old");
  }
}
