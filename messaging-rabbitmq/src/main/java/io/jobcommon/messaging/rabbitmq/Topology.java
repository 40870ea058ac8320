package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.jobcommon.messaging.MessagingException;
import io.jobcommon.messaging.spi.DeadLetters;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares the queues of the SDK's topology once per name, on first use: {@code <queue>}, {@code
 * <queue>-dlq} and the delay tiers {@code <queue>.delay.<ms>}. Thread-safe.
 *
 * <p>Declarations run on one long-lived channel: amqp-client records each declaration with the
 * channel it ran on and re-declares it on that channel after a connection recovery, so the channel
 * must stay open. A clash closes the channel (a channel-level error); the next declaration opens a
 * new one and declares everything again on it, so that recovery keeps working.
 */
final class Topology {
  private static final Logger log = LoggerFactory.getLogger(Topology.class);
  private static final Pattern INEQUIVALENT_ARG = Pattern.compile("inequivalent arg '([^']*)'");
  private static final int PRECONDITION_FAILED = 406;

  private final Connection connection;
  private final QueueType queueType;
  private final boolean enabled;
  private final Object lock = new Object();
  private final Set<String> ready = ConcurrentHashMap.newKeySet();
  private final Map<String, Map<String, Object>> declared = new LinkedHashMap<>();
  private @Nullable Channel channel;

  Topology(Connection connection, QueueType queueType, boolean enabled) {
    this.connection = connection;
    this.queueType = queueType;
    this.enabled = enabled;
  }

  /**
   * Declares {@code queue} and its dead-letter queue, unless done before or declaration is off.
   *
   * @throws MessagingException when a queue exists with other arguments (not worth retrying)
   * @throws IOException or {@link com.rabbitmq.client.AlreadyClosedException} when the connection
   *     is down (worth retrying)
   */
  void ensureQueue(String queue) throws IOException {
    if (!enabled || ready.contains(queue)) {
      return;
    }
    String dlq = DeadLetters.queueName(queue);
    declare(dlq, typed());
    Map<String, Object> args = typed();
    // A safety net: what the broker itself drops (a quorum queue's delivery-limit, a
    // consumer_timeout's requeues past it) lands in the DLQ instead of vanishing.
    args.put("x-dead-letter-exchange", "");
    args.put("x-dead-letter-routing-key", dlq);
    declare(queue, args);
  }

  /** Declares {@code queue}'s delay tier of {@code ms}; see {@link #ensureQueue}. */
  void ensureTier(String queue, long ms) throws IOException {
    String tier = DelayTiers.queueName(queue, ms);
    if (!enabled || ready.contains(tier)) {
      return;
    }
    // Classic (the broker's default type): a tier only holds messages for its TTL.
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("x-message-ttl", ms);
    args.put("x-dead-letter-exchange", "");
    args.put("x-dead-letter-routing-key", queue);
    declare(tier, args);
  }

  /**
   * The type argument; none for classic, the broker's default, so that queues declared without
   * arguments by other tools do not clash.
   */
  private Map<String, Object> typed() {
    Map<String, Object> args = new LinkedHashMap<>();
    if (queueType != QueueType.CLASSIC) {
      args.put("x-queue-type", queueType.argument());
    }
    return args;
  }

  private void declare(String name, Map<String, Object> args) throws IOException {
    if (ready.contains(name)) {
      return;
    }
    synchronized (lock) {
      if (ready.contains(name)) {
        return;
      }
      Channel ch = channel();
      try {
        ch.queueDeclare(name, true, false, false, args);
      } catch (IOException e) {
        MessagingException clash = clash(name, args, e);
        if (clash != null) {
          throw clash;
        }
        throw e;
      }
      declared.put(name, args);
      ready.add(name);
      log.debug("declared queue {} {}", name, args);
    }
  }

  private Channel channel() throws IOException {
    Channel ch = channel;
    if (ch != null && ch.isOpen()) {
      return ch;
    }
    if (ch != null && !connection.isOpen()) {
      return ch; // recovering: the declaration fails with AlreadyClosedException and is retried
    }
    ch = connection.createChannel();
    if (channel != null) {
      // The old channel died of a channel-level error and will not be recovered: move the
      // recorded declarations to the new one.
      for (Map.Entry<String, Map<String, Object>> e : declared.entrySet()) {
        ch.queueDeclare(e.getKey(), true, false, false, e.getValue());
      }
    }
    channel = ch;
    return ch;
  }

  private @Nullable MessagingException clash(String name, Map<String, Object> args, IOException e) {
    if (!(e.getCause() instanceof ShutdownSignalException)) {
      return null;
    }
    Object reason = ((ShutdownSignalException) e.getCause()).getReason();
    if (!(reason instanceof AMQP.Channel.Close)
        || ((AMQP.Channel.Close) reason).getReplyCode() != PRECONDITION_FAILED) {
      return null;
    }
    String text = ((AMQP.Channel.Close) reason).getReplyText();
    return new MessagingException(clashMessage(name, args, text), e);
  }

  static String clashMessage(String name, Map<String, Object> args, String brokerText) {
    Matcher m = INEQUIVALENT_ARG.matcher(brokerText);
    String arg = m.find() ? m.group(1) : "an argument";
    return "queue '"
        + name
        + "' already exists with a different '"
        + arg
        + "' than RabbitMqTransport declares "
        + args
        + " (broker: "
        + brokerText
        + "); delete or migrate the queue, configure the transport to match it (queue type, delay"
        + " tiers), or turn declaration off with setDeclareTopology(false)";
  }
}
