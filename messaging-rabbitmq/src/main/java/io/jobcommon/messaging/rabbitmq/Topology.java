package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.jobcommon.messaging.DestinationNotFoundException;
import io.jobcommon.messaging.MessagingException;
import io.jobcommon.messaging.spi.DeadLetters;
import io.jobcommon.messaging.spi.LogSafe;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares the queues of the SDK's topology once per name, on first use: {@code <queue>}, {@code
 * <queue>-dlq} and the delay tiers {@code <queue>.delay.<ms>}, as the {@link TopologyMode} says.
 * Thread-safe.
 *
 * <p>Declarations run on one long-lived channel: amqp-client records each declaration with the
 * channel it ran on and re-declares it on that channel after a connection recovery, so the channel
 * must stay open. A clash closes the channel (a channel-level error); the next declaration opens a
 * new one and declares everything again on it, so that recovery keeps working. A queue used as it
 * is (adapt mode) is not recorded, so recovery never re-declares it with other arguments.
 *
 * <p>The queue itself is declared before its dead-letter queue, so a queue refused in strict mode
 * leaves no {@code <queue>-dlq} behind; a dead-letter queue consumed by itself gets no dead-letter
 * queue of its own until something is dead-lettered from it.
 */
final class Topology {
  private static final Logger log = LoggerFactory.getLogger(Topology.class);
  private static final Pattern INEQUIVALENT_ARG = Pattern.compile("inequivalent arg '([^']*)'");
  private static final int PRECONDITION_FAILED = 406;
  private static final int NOT_FOUND = 404;

  private final Connection connection;
  private final QueueType queueType;
  private final TopologyMode mode;
  private final String where;
  private final Object lock = new Object();
  private final Set<String> ready = ConcurrentHashMap.newKeySet();
  private final Map<String, Map<String, Object>> declared = new LinkedHashMap<>();
  private @Nullable Channel channel;

  Topology(Connection connection, QueueType queueType, TopologyMode mode, String where) {
    this.connection = connection;
    this.queueType = queueType;
    this.mode = mode;
    this.where = where;
  }

  /**
   * Declares {@code queue} and its dead-letter queue, unless done before or declaration is off.
   *
   * @throws MessagingException when a queue exists with other arguments in strict mode (not worth
   *     retrying)
   * @throws IOException or {@link com.rabbitmq.client.AlreadyClosedException} when the connection
   *     is down (worth retrying)
   */
  void ensureQueue(String queue) throws IOException {
    if (mode == TopologyMode.NONE || ready.contains(queue)) {
      return;
    }
    if (isDeadLetterQueue(queue)) {
      declare(queue, typed());
      return;
    }
    String dlq = DeadLetters.queueName(queue);
    Map<String, Object> args = typed();
    // A safety net: what the broker itself drops (a quorum queue's delivery-limit, a
    // consumer_timeout's requeues past it) lands in the DLQ instead of vanishing.
    args.put("x-dead-letter-exchange", "");
    args.put("x-dead-letter-routing-key", dlq);
    declare(queue, args);
    declare(dlq, typed());
  }

  /**
   * Makes sure a consumer of {@code queue} can start: declares it as {@link #ensureQueue} does, or
   * with declaration off checks that it exists.
   *
   * @throws DestinationNotFoundException when declaration is off and the queue does not exist
   */
  void ensureConsumable(String queue) throws IOException {
    if (mode != TopologyMode.NONE) {
      ensureQueue(queue);
      return;
    }
    Channel ch = connection.createChannel();
    try {
      ch.queueDeclarePassive(queue);
    } catch (IOException e) {
      if (replyCode(e) == NOT_FOUND) {
        throw new DestinationNotFoundException(
            queue,
            "RABBITMQ_TOPOLOGY=none (declaration off) at "
                + where
                + "; create the queue in your infrastructure code, or let the transport declare"
                + " it (RABBITMQ_TOPOLOGY=adapt)",
            e);
      }
      throw e;
    } finally {
      if (ch.isOpen()) {
        try {
          ch.close();
        } catch (IOException | TimeoutException | RuntimeException e) {
          log.debug("closing the passive-check channel failed: {}", e.toString());
        }
      }
    }
  }

  /**
   * Declares what a publish from {@code queue}'s context to {@code target} needs: {@code queue}'s
   * topology, and {@code target} when it is the dead-letter queue of a dead-letter queue (declared
   * only when something is dead-lettered from it).
   */
  void ensureRoute(String queue, String target) throws IOException {
    ensureQueue(queue);
    if (mode != TopologyMode.NONE
        && isDeadLetterQueue(queue)
        && !ready.contains(target)
        && target.equals(DeadLetters.queueName(queue))) {
      declare(target, typed());
    }
  }

  /** Declares {@code queue}'s delay tier of {@code ms}; see {@link #ensureQueue}. */
  void ensureTier(String queue, long ms) throws IOException {
    String tier = DelayTiers.queueName(queue, ms);
    if (mode == TopologyMode.NONE || ready.contains(tier)) {
      return;
    }
    // Classic (the broker's default type): a tier only holds messages for its TTL.
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("x-message-ttl", ms);
    args.put("x-dead-letter-exchange", "");
    args.put("x-dead-letter-routing-key", queue);
    declare(tier, args);
  }

  /** Whether {@code queue} is named as a dead-letter queue ({@code -dlq}, {@code -dlq.fifo}). */
  static boolean isDeadLetterQueue(String queue) {
    return queue.endsWith("-dlq") || queue.endsWith("-dlq.fifo");
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
        String clash = clash(e);
        if (clash == null) {
          throw e;
        }
        if (mode == TopologyMode.STRICT) {
          throw new MessagingException(clashMessage(name, args, clash, where), e);
        }
        ready.add(name); // used as it is; not recorded, so recovery never re-declares it
        log.warn("{}", adoptMessage(name, args, clash));
        return;
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

  /** The broker's text when {@code e} is a 406 PRECONDITION_FAILED clash, else null. */
  private static @Nullable String clash(IOException e) {
    if (replyCode(e) != PRECONDITION_FAILED
        || !(e.getCause() instanceof ShutdownSignalException signal)) {
      return null;
    }
    return ((AMQP.Channel.Close) signal.getReason()).getReplyText();
  }

  /** The reply code of the channel close behind {@code e}, or 0. */
  static int replyCode(IOException e) {
    if (!(e.getCause() instanceof ShutdownSignalException)) {
      return 0;
    }
    Object reason = ((ShutdownSignalException) e.getCause()).getReason();
    return reason instanceof AMQP.Channel.Close ? ((AMQP.Channel.Close) reason).getReplyCode() : 0;
  }

  static String clashMessage(
      String name, Map<String, Object> args, String brokerText, String where) {
    return "queue '"
        + name
        + "' already exists at "
        + where
        + " with a different '"
        + differingArgument(brokerText)
        + "' than RabbitMqTransport declares "
        + args
        + " (broker: "
        + LogSafe.of(brokerText, 512)
        + ") and RABBITMQ_TOPOLOGY=strict refuses it; delete or migrate the queue, or use it as it"
        + " is with RABBITMQ_TOPOLOGY=adapt (the default)";
  }

  static String adoptMessage(String name, Map<String, Object> args, String brokerText) {
    boolean tier = args.containsKey("x-message-ttl");
    String cost =
        tier
            ? "if its TTL or dead-letter target differ, retries through it come back at other"
                + " times or not at all"
            : "the broker itself does not dead-letter what it drops from it (x-delivery-limit,"
                + " consumer_timeout, TTL) unless the queue has dead-letter arguments of its own,"
                + " and a non-durable or expiring queue loses its messages when the broker"
                + " restarts or the queue expires; retries through delay tiers and the SDK's"
                + " dead-lettering to '"
                + DeadLetters.queueName(name)
                + "' still work";
    return "queue '"
        + LogSafe.of(name)
        + "' already exists with a different '"
        + differingArgument(brokerText)
        + "' than RabbitMqTransport declares "
        + args
        + " (broker: "
        + LogSafe.of(brokerText, 512)
        + "); using it as it is: "
        + cost
        + ". To get the SDK's topology, drain and delete the queue and let the transport declare"
        + " it; RABBITMQ_TOPOLOGY=strict refuses such queues instead";
  }

  private static String differingArgument(String brokerText) {
    Matcher m = INEQUIVALENT_ARG.matcher(brokerText);
    return m.find() ? m.group(1) : "argument";
  }
}
