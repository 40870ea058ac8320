package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.jobcommon.messaging.DestinationNotFoundException;
import io.jobcommon.messaging.MessagingException;
import io.jobcommon.messaging.spi.QueueAdmin;
import io.jobcommon.messaging.spi.QueueDepth;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Queue depth by passive declaration, on a short-lived channel of the publishing connection (a
 * missing queue closes the channel it is asked on). AMQP cannot list queues or count unacked
 * messages: those need the management plugin. Thread-safe.
 */
final class RabbitMqQueueAdmin implements QueueAdmin {
  private static final int NOT_FOUND = 404;

  private final Connection connection;
  private final String where;

  RabbitMqQueueAdmin(Connection connection, String where) {
    this.connection = connection;
    this.where = where;
  }

  @Override
  public Optional<List<String>> listQueues(String prefix) {
    return Optional.empty();
  }

  @Override
  public QueueDepth depth(String queue) {
    Channel ch = null;
    try {
      ch = connection.createChannel();
      AMQP.Queue.DeclareOk ok = ch.queueDeclarePassive(queue);
      return new QueueDepth(queue, ok.getMessageCount(), QueueDepth.UNKNOWN, QueueDepth.UNKNOWN);
    } catch (IOException e) {
      if (Topology.replyCode(e) == NOT_FOUND) {
        throw new DestinationNotFoundException(queue, "no such queue at " + where, e);
      }
      throw new MessagingException("cannot ask " + where + " for queue '" + queue + "': " + e, e);
    } catch (RuntimeException e) {
      throw new MessagingException("cannot ask " + where + " for queue '" + queue + "': " + e, e);
    } finally {
      if (ch != null && ch.isOpen()) {
        try {
          ch.close();
        } catch (IOException | TimeoutException | RuntimeException ignored) {
          // the channel is going away anyway
        }
      }
    }
  }
}
