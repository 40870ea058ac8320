package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One pooled publishing channel in confirm mode. Publishes run under its lock, so the channel and
 * its sequence numbers are used by one thread at a time; confirms, returns and shutdowns arrive on
 * the connection's thread and touch only the unconfirmed map, whose entries are claimed by removal.
 *
 * <p>A connection loss swaps the map: the broker's sequence numbers restart on the recovered
 * channel, so no confirm of the new channel may settle a message of the old one. The messages whose
 * confirm was lost go back to the publisher to be published again (at-least-once).
 */
final class PublishChannel implements ConfirmListener, ReturnListener, ShutdownListener {
  private final Channel channel;
  private final ReentrantLock lock = new ReentrantLock();
  private final Consumer<Pending> lost;
  private final BiConsumer<Pending, String> nacked;
  private volatile ConcurrentSkipListMap<Long, Pending> unconfirmed = new ConcurrentSkipListMap<>();
  private volatile boolean dead;

  PublishChannel(Channel channel, Consumer<Pending> lost, BiConsumer<Pending, String> nacked)
      throws IOException {
    this.channel = channel;
    this.lost = lost;
    this.nacked = nacked;
    channel.confirmSelect();
    channel.addConfirmListener(this);
    channel.addReturnListener(this);
    channel.addShutdownListener(this);
  }

  boolean tryLock() {
    return lock.tryLock();
  }

  void lock() {
    lock.lock();
  }

  void unlock() {
    lock.unlock();
  }

  /** Whether the channel is gone for good (a channel-level error or closed by us). */
  boolean isDead() {
    return dead;
  }

  /**
   * Publishes {@code p}; the caller holds the lock. The confirm (or its timeout, see {@link
   * #expire(long, Consumer)}) settles it, or {@code lost} gets it back if the connection dies.
   *
   * @throws IOException or {@link com.rabbitmq.client.AlreadyClosedException} if the channel is
   *     down; {@code p} is then not tracked here
   */
  void publish(Pending p) throws IOException {
    ConcurrentSkipListMap<Long, Pending> map = unconfirmed;
    long seq = channel.getNextPublishSeqNo();
    if (seq == 0) {
      // amqp-client's recovery swaps in the new channel before it turns confirms back on: a
      // publish now would get no confirm, and a number that is not the broker's.
      throw new IOException("the publishing channel is recovering (confirms not on yet)");
    }
    p.publishedNanos = System.nanoTime(); // under the lock: in sequence-number order
    map.put(seq, p);
    try {
      channel.basicPublish("", p.routingKey, true, p.props, p.body);
      p.written = true;
    } catch (IOException | RuntimeException e) {
      if (e instanceof IOException) {
        p.written = true; // the socket failed while writing: the broker may have it all
      }
      boolean mine = map.remove(seq, p);
      if (e instanceof RuntimeException
          && channel.isOpen()
          && channel.getNextPublishSeqNo() != seq) {
        // amqp-client refused the message after numbering it (headers over frame_max): the broker
        // never saw it, so its confirms would run one number behind ours for the rest of this
        // channel's life. Retire the channel; the others waiting on it are published again.
        close();
      }
      if (mine) {
        throw e;
      }
      return; // the shutdown listener claimed it and handed it on
    }
    if (channel.getNextPublishSeqNo() != seq + 1 && map.remove(seq, p)) {
      // The channel was recovered between numbering and publishing: the recovered channel
      // numbered the message itself, so confirm seq would settle another message (or another
      // message's entry would replace this one). Publish it again: at-least-once.
      lost.accept(p);
      return;
    }
    if (map != unconfirmed && map.remove(seq, p)) {
      // The connection died between taking the sequence number and now: the confirm can't come.
      lost.accept(p);
    }
  }

  /**
   * Claims and hands to {@code expired} every publish still unconfirmed that was published at or
   * before {@code cutoffNanos}.
   */
  void expire(long cutoffNanos, Consumer<Pending> expired) {
    expire(unconfirmed, cutoffNanos, expired);
  }

  /**
   * The sweep behind {@link #expire(long, Consumer)}: publish times grow with the sequence numbers
   * (both are taken under the channel's lock), so it stops at the first publish not yet due.
   */
  static void expire(
      ConcurrentSkipListMap<Long, Pending> map, long cutoffNanos, Consumer<Pending> expired) {
    for (Map.Entry<Long, Pending> e : map.entrySet()) {
      Pending p = e.getValue();
      if (p.publishedNanos - cutoffNanos > 0) {
        return;
      }
      if (map.remove(e.getKey(), p)) {
        expired.accept(p);
      }
    }
  }

  @Override
  public void handleAck(long seq, boolean multiple) {
    settle(seq, multiple, false);
  }

  @Override
  public void handleNack(long seq, boolean multiple) {
    settle(seq, multiple, true);
  }

  private void settle(long seq, boolean multiple, boolean nack) {
    ConcurrentSkipListMap<Long, Pending> map = unconfirmed;
    if (!multiple) {
      Pending p = map.remove(seq);
      if (p != null) {
        complete(p, nack);
      }
      return;
    }
    ConcurrentNavigableMap<Long, Pending> head = map.headMap(seq, true);
    for (Map.Entry<Long, Pending> e : head.entrySet()) {
      if (head.remove(e.getKey(), e.getValue())) {
        complete(e.getValue(), nack);
      }
    }
  }

  private void complete(Pending p, boolean nack) {
    String returned = p.returned;
    if (nack) {
      nacked.accept(p, "the broker nacked the message (internal error in the queue)");
    } else if (returned != null) {
      // A returned message is then acked: the return decides.
      nacked.accept(p, returned);
    } else {
      p.succeed();
    }
  }

  @Override
  public void handleReturn(
      int replyCode,
      String replyText,
      String exchange,
      String routingKey,
      AMQP.BasicProperties properties,
      byte[] body) {
    // Returns precede the confirm on the same channel; mark the oldest unconfirmed match.
    String id = properties.getMessageId();
    for (Pending p : unconfirmed.values()) {
      if (p.returned == null && p.routingKey.equals(routingKey) && p.messageId().equals(id)) {
        p.returned = replyCode + " " + replyText;
        return;
      }
    }
  }

  @Override
  public void shutdownCompleted(ShutdownSignalException cause) {
    if (!cause.isHardError() || cause.isInitiatedByApplication()) {
      dead = true; // channel-level errors and our own close are not recovered
    }
    ConcurrentSkipListMap<Long, Pending> old = unconfirmed;
    unconfirmed = new ConcurrentSkipListMap<>();
    Map.Entry<Long, Pending> e;
    while ((e = old.pollFirstEntry()) != null) {
      lost.accept(e.getValue());
    }
  }

  void close() {
    dead = true;
    try {
      channel.abort();
    } catch (IOException | RuntimeException e) {
      // closing anyway
    }
  }
}
