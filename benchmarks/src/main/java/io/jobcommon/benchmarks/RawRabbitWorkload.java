package io.jobcommon.benchmarks;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Hand-written amqp-client code doing the SDK's work: a durable queue, persistent publishes with
 * publisher confirms (the window is kept by {@link LoadRun}), one channel per consumer with {@code
 * basic.qos(prefetch + 1)} (one message in the handler, {@code prefetch} waiting: what the SDK
 * holds per handler thread), and a manual ack of each message after its handler ran.
 */
final class RawRabbitWorkload implements Workload {
  private final BenchOptions options;
  private final String queue;
  private final Connection publishConnection;
  private final Connection consumeConnection;
  private final List<Channel> consumers = new ArrayList<>();

  RawRabbitWorkload(BenchOptions options, String queue) throws IOException {
    this.options = options;
    this.queue = queue;
    this.publishConnection = RabbitAdmin.connect(options.rabbitUri(), "bench-raw-publish");
    this.consumeConnection = RabbitAdmin.connect(options.rabbitUri(), "bench-raw-consume");
    Channel ch = publishConnection.createChannel();
    ch.queueDeclare(queue, true, false, false, null);
    ch.abort();
  }

  @Override
  public void startConsumers(Consumer<byte[]> onMessage, Consumer<Throwable> onFailure)
      throws IOException {
    for (int i = 0; i < options.consumers(); i++) {
      Channel ch = consumeConnection.createChannel();
      ch.addShutdownListener(
          cause -> {
            if (!cause.isInitiatedByApplication()) {
              onFailure.accept(cause);
            }
          });
      ch.basicQos(options.prefetch() + 1);
      ch.basicConsume(
          queue,
          false,
          new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(
                String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body)
                throws IOException {
              onMessage.accept(body);
              getChannel().basicAck(envelope.getDeliveryTag(), false);
            }
          });
      consumers.add(ch);
    }
  }

  @Override
  public Producer producer() throws IOException {
    return new ConfirmingProducer(publishConnection.createChannel());
  }

  @Override
  public void close() throws IOException {
    try {
      for (Channel ch : consumers) {
        ch.abort(); // everything sent was consumed and acked by now
      }
      Channel ch = publishConnection.createChannel();
      ch.queueDelete(queue);
      ch.abort();
    } finally {
      consumeConnection.close();
      publishConnection.close();
    }
  }

  @Override
  public Map<String, String> figures() {
    return Map.of("qos", String.valueOf(options.prefetch() + 1));
  }

  /** Publishes on its own channel; confirms (often {@code multiple}) complete the callbacks. */
  private final class ConfirmingProducer implements Producer, ConfirmListener {
    private final Channel channel;
    private final ConcurrentSkipListMap<Long, SendCallback> unconfirmed =
        new ConcurrentSkipListMap<>();

    ConfirmingProducer(Channel channel) throws IOException {
      this.channel = channel;
      channel.confirmSelect();
      channel.addConfirmListener(this);
      // No confirm comes once the channel is gone: fail what waits for one, at once.
      channel.addShutdownListener(
          cause -> {
            Map.Entry<Long, SendCallback> e;
            while ((e = unconfirmed.pollFirstEntry()) != null) {
              e.getValue().done(1, cause);
            }
          });
    }

    @Override
    public void send(byte[] body, SendCallback done) throws IOException {
      unconfirmed.put(channel.getNextPublishSeqNo(), done);
      channel.basicPublish("", queue, MessageProperties.PERSISTENT_BASIC, body);
    }

    @Override
    public void handleAck(long seq, boolean multiple) {
      settle(seq, multiple, null);
    }

    @Override
    public void handleNack(long seq, boolean multiple) {
      settle(seq, multiple, new IOException("the broker nacked publish " + seq));
    }

    private void settle(long seq, boolean multiple, @Nullable IOException error) {
      if (!multiple) {
        SendCallback cb = unconfirmed.remove(seq);
        if (cb != null) {
          cb.done(1, error);
        }
        return;
      }
      ConcurrentNavigableMap<Long, SendCallback> head = unconfirmed.headMap(seq, true);
      Map.Entry<Long, SendCallback> e;
      while ((e = head.pollFirstEntry()) != null) {
        e.getValue().done(1, error);
      }
    }

    @Override
    public void close() throws IOException {
      channel.abort(); // every publish is confirmed by now
    }
  }
}
