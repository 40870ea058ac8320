package io.jobcommon.messaging.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The publish sequence numbers of a channel that amqp-client recovers: it swaps the new channel in
 * before confirms are on again (numbers read 0), and a publish can land on the new channel after
 * its number was read from the old one. No broker can be made to hit those windows on demand, so a
 * stand-in channel shows them.
 */
class PublishChannelRecoveryTest {

  /**
   * A channel whose next number is {@code next[0]}; a publish sets it to {@code afterPublish[0]}.
   */
  private static Channel channel(long[] next, LongUnaryOperator... afterPublish) {
    return (Channel)
        Proxy.newProxyInstance(
            Channel.class.getClassLoader(),
            new Class<?>[] {Channel.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getNextPublishSeqNo" -> next[0];
                  case "basicPublish" -> {
                    next[0] = afterPublish[0].applyAsLong(next[0]);
                    yield null;
                  }
                  case "isOpen" -> true;
                  case "confirmSelect",
                      "addConfirmListener",
                      "addReturnListener",
                      "addShutdownListener",
                      "abort" ->
                      null;
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  case "toString" -> "stand-in channel";
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  private static Pending pending(String id) {
    return new Pending(
        "q", "q", 0, new AMQP.BasicProperties.Builder().messageId(id).build(), new byte[0], 0);
  }

  @Test
  void aChannelNotInConfirmModeYetIsNotPublishedOn() throws IOException {
    List<Pending> lost = new ArrayList<>();
    PublishChannel ch =
        new PublishChannel(channel(new long[] {0}, n -> n), lost::add, (p, w) -> {});
    Pending p = pending("a");

    assertThatThrownBy(() -> ch.publish(p)).isInstanceOf(IOException.class);

    assertThat(p.written).isFalse(); // so the publisher retries it as "not sent"
    ch.handleAck(1, true); // the recovered channel's first confirm is another message's
    assertThat(p.future).isNotDone();
  }

  @Test
  void aPublishNumberedOnTheOldChannelAndSentOnTheNewOneIsPublishedAgain() throws IOException {
    List<Pending> lost = new ArrayList<>();
    long[] next = {700};
    // Between reading 700 and publishing, recovery put a new channel in: it numbers this one 1.
    LongUnaryOperator[] afterPublish = {n -> 2};
    PublishChannel ch = new PublishChannel(channel(next, afterPublish), lost::add, (p, w) -> {});
    Pending p = pending("a");

    ch.publish(p);

    assertThat(lost).containsExactly(p);
    Pending later = pending("b"); // the new channel's 2nd, ..., 700th publishes
    afterPublish[0] = n -> n + 1; // from now on the new channel only
    next[0] = 700;
    ch.publish(later);
    ch.handleAck(700, false);
    assertThat(later.future).isCompletedWithValue("b");
    assertThat(p.future).isNotDone(); // settled by its own publish again, not by b's confirm
  }

  @Test
  void aNormalPublishIsSettledByItsConfirm() throws IOException {
    List<Pending> lost = new ArrayList<>();
    PublishChannel ch =
        new PublishChannel(channel(new long[] {5}, n -> n + 1), lost::add, (p, w) -> {});
    Pending p = pending("a");

    ch.publish(p);
    ch.handleAck(5, false);

    assertThat(p.future).isCompletedWithValue("a");
    assertThat(lost).isEmpty();
  }
}
