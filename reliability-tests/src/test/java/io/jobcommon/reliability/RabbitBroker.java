package io.jobcommon.reliability;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.jobcommon.messaging.rabbitmq.RabbitMqTransport;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RabbitMQ the suite runs against: on a machine with {@code rabbitmqctl}, a vhost and a user of
 * the suite's own, with a distinctive random password (what {@link SecretsIT} looks for in the
 * logs), deleted when the suite ends. Faults ({@code close_all_connections}) are confined to that
 * vhost, so other clients of the broker are not disturbed. Without {@code rabbitmqctl} it falls
 * back to {@code RABBITMQ_URL} (or guest on 127.0.0.1) and the fault tests are skipped.
 *
 * <p>One instance per suite run (see {@link SuiteExtension}). Thread-safe.
 */
final class RabbitBroker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RabbitBroker.class);

  /** Short delay tiers so retries stay quick. */
  static final List<Duration> TEST_TIERS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2));

  private final String host;
  private final int port;
  private final String vhost;
  private final String user;
  private final String password;
  private final boolean owned;

  private RabbitBroker(
      String host, int port, String vhost, String user, String password, boolean owned) {
    this.host = host;
    this.port = port;
    this.vhost = vhost;
    this.user = user;
    this.password = password;
    this.owned = owned;
  }

  /** The suite's vhost and user where {@code rabbitmqctl} runs, else {@code RABBITMQ_URL}. */
  static RabbitBroker start() {
    String env = System.getenv("RABBITMQ_URL");
    if (!Rabbitmqctl.available() || (env != null && !env.isBlank())) {
      return fromUrl(env == null || env.isBlank() ? "amqp://guest:guest@127.0.0.1:5672/%2F" : env);
    }
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String vhost = "jc-reliability-" + suffix;
    String user = "jc-reliability-" + suffix;
    String password = "RelSecret" + randomAlnum(24);
    try {
      Rabbitmqctl.run("add_vhost", vhost);
      Rabbitmqctl.run("add_user", user, password);
      Rabbitmqctl.run("set_permissions", "-p", vhost, user, ".*", ".*", ".*");
    } catch (IllegalStateException e) {
      log.warn(
          "cannot set up the suite's own vhost and user ({}); using guest on / without faults",
          e.getMessage());
      new RabbitBroker("127.0.0.1", 5672, vhost, user, password, true).close();
      return fromUrl("amqp://guest:guest@127.0.0.1:5672/%2F");
    }
    log.info("created vhost {} and user {} for the reliability suite", vhost, user);
    return new RabbitBroker("127.0.0.1", 5672, vhost, user, password, true);
  }

  private static RabbitBroker fromUrl(String url) {
    try {
      ConnectionFactory cf = new ConnectionFactory();
      cf.setUri(url.trim());
      return new RabbitBroker(
          cf.getHost(),
          cf.getPort(),
          cf.getVirtualHost(),
          cf.getUsername(),
          cf.getPassword(),
          false);
    } catch (Exception e) {
      throw new IllegalStateException("RABBITMQ_URL is not a valid amqp URI", e);
    }
  }

  /** Whether the suite owns its vhost, so it may close its connections from the broker side. */
  boolean canInjectFaults() {
    return owned;
  }

  /** The password: what must never appear in any log. */
  String password() {
    return password;
  }

  String vhost() {
    return vhost;
  }

  /** {@code amqp://user:password@host:port/vhost}, percent-encoded. */
  String url() {
    return "amqp://" + enc(user) + ":" + enc(password) + "@" + host + ":" + port + "/" + enc(vhost);
  }

  /** A transport builder on the suite's vhost with short delay tiers and quick recovery. */
  RabbitMqTransport.Builder transport() {
    return RabbitMqTransport.builder()
        .setUri(url())
        .setDelayTiers(TEST_TIERS)
        .setRecoveryInterval(Duration.ofMillis(500))
        .setConnectionName("jc-reliability");
  }

  /** A raw connection without automatic recovery, for publishing what the SDK would refuse. */
  Connection rawConnection() throws Exception {
    ConnectionFactory cf = new ConnectionFactory();
    cf.setUri(url());
    cf.setAutomaticRecoveryEnabled(false);
    return cf.newConnection("jc-reliability-raw");
  }

  /**
   * A unique queue name. Queues die with the suite's vhost; else delete them with {@link
   * #deleteQueue}.
   */
  static String queue(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Messages ready in {@code queue} (not counting unacked ones). */
  long ready(String queue) throws Exception {
    try (Connection c = rawConnection();
        Channel ch = c.createChannel()) {
      return ch.queueDeclarePassive(queue).getMessageCount();
    }
  }

  /** Deletes {@code queue}, its DLQ and its delay tiers (for runs on a shared vhost). */
  void deleteQueue(String queue) {
    try (Connection c = rawConnection();
        Channel ch = c.createChannel()) {
      ch.queueDelete(queue);
      ch.queueDelete(queue + "-dlq");
      for (Duration d : TEST_TIERS) {
        ch.queueDelete(queue + ".delay." + d.toMillis());
      }
    } catch (Exception e) {
      log.warn("could not delete queue {}: {}", queue, e.toString());
    }
  }

  /** Closes every connection of the suite's vhost from the broker side. */
  void closeAllConnections(String reason) {
    if (!owned) {
      throw new IllegalStateException("the suite does not own a vhost; cannot inject faults");
    }
    Rabbitmqctl.run("close_all_connections", "-p", vhost, reason);
  }

  /** Deletes the suite's vhost (with every queue in it) and user. */
  @Override
  public void close() {
    if (!owned) {
      return;
    }
    for (String[] command :
        List.of(new String[] {"delete_vhost", vhost}, new String[] {"delete_user", user})) {
      try {
        Rabbitmqctl.run(command);
      } catch (IllegalStateException e) {
        log.warn("cleanup: {}", e.getMessage());
      }
    }
    log.info("deleted vhost {} and user {}", vhost, user);
  }

  @Override
  public String toString() {
    return "RabbitBroker{" + user + "@" + host + ":" + port + "/" + vhost + "}";
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String randomAlnum(int n) {
    String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    SecureRandom r = new SecureRandom();
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
