package io.jobcommon.benchmarks;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.TimeoutException;

/** Deletes a run's queues on RabbitMQ once the run is over. */
final class RabbitAdmin implements Workload.Cleanup {
  private final String uri;
  private final List<String> queues;

  RabbitAdmin(String uri, List<String> queues) {
    this.uri = uri;
    this.queues = List.copyOf(queues);
  }

  @Override
  public void close() throws IOException {
    try (Connection c = connect(uri, "bench-admin")) {
      Channel ch = c.createChannel();
      for (String q : queues) {
        ch.queueDelete(q);
      }
    }
  }

  /** A connection to {@code uri}; a bad URI fails as an {@link IOException}. */
  static Connection connect(String uri, String name) throws IOException {
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(uri);
      // Hand-written code as the raw variant means it: a lost connection ends the run.
      factory.setAutomaticRecoveryEnabled(false);
      return factory.newConnection(name);
    } catch (URISyntaxException | GeneralSecurityException | TimeoutException e) {
      throw new IOException("cannot connect to RabbitMQ at " + mask(uri) + ": " + e, e);
    }
  }

  private static String mask(String uri) {
    return uri.replaceAll("://([^:/@]*):[^@]*@", "://$1:***@");
  }
}
