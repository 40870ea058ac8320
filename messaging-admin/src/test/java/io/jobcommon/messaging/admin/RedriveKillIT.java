package io.jobcommon.messaging.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.DeadLetters;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.spi.TransportSettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The tool, as the runnable jar in a child JVM, killed with SIGKILL in the middle of a redrive on
 * RabbitMQ: every message is still in the dead-letter queue or in its original queue.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedriveKillIT {
  private static final int MESSAGES = 3000;

  @Test
  void killedMidRedriveLosesNothing() throws Exception {
    String url = DeadLetterAdminRabbitMqIT.URL;
    Map<String, String> env = Map.of("MESSAGING_BROKER", "rabbitmq", "RABBITMQ_URL", url);
    String queue = "jc-kill-" + UUID.randomUUID().toString().substring(0, 8);
    String dlq = DeadLetters.queueName(queue);
    try (Transport t = DeadLetterTool.transport(TransportSettings.of(env))) {
      List<CompletableFuture<String>> sends = new ArrayList<>();
      for (int i = 0; i < MESSAGES; i++) {
        sends.add(
            t.send(
                OutgoingMessage.builder(dlq)
                    .setBody(("m-" + i).getBytes(StandardCharsets.UTF_8))
                    .setHeaders(DeadLetters.headers(Map.of(), queue, 5, "boom", Instant.now()))
                    .build()));
      }
      CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0])).join();
    }
    try {
      Path jar = Path.of("target", "messaging-admin.jar");
      assertThat(Files.exists(jar)).as("%s (built by package)", jar.toAbsolutePath()).isTrue();
      ProcessBuilder pb =
          new ProcessBuilder(
              ProcessHandle.current().info().command().orElse("java"),
              "-jar",
              jar.toString(),
              "redrive",
              queue);
      pb.environment().putAll(env);
      pb.redirectError(ProcessBuilder.Redirect.DISCARD);
      Process child = pb.start();
      String progress;
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        do {
          progress = out.readLine();
        } while (progress != null && !progress.startsWith("... examined 300"));
        child.destroyForcibly(); // SIGKILL
      }
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(progress).as("a progress line before the kill").isNotNull();
      assertThat(child.exitValue()).as("killed, not finished").isEqualTo(137);

      try (Connection c = raw(url);
          Channel ch = c.createChannel()) {
        // Unacked messages of the killed connection go back to the dead-letter queue.
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    ch.queueDeclarePassive(queue).getMessageCount()
                            + ch.queueDeclarePassive(dlq).getMessageCount()
                        >= MESSAGES);
        Set<String> seen = new HashSet<>();
        int moved = drain(ch, queue, seen);
        int left = drain(ch, dlq, seen);
        assertThat(moved).as("moved before the kill").isGreaterThanOrEqualTo(300);
        assertThat(left).as("not moved yet").isPositive();
        assertThat(seen).hasSize(MESSAGES);
        System.out.printf(
            "SIGKILL mid-redrive: %d moved, %d left, %d duplicates, 0 lost%n",
            moved, left, moved + left - MESSAGES);
      }
    } finally {
      try (Connection c = raw(url);
          Channel ch = c.createChannel()) {
        ch.queueDelete(queue);
        ch.queueDelete(dlq);
      }
    }
  }

  private static Connection raw(String url) throws Exception {
    ConnectionFactory cf = new ConnectionFactory();
    cf.setUri(url);
    return cf.newConnection("jc-test-raw");
  }

  private static int drain(Channel ch, String q, Set<String> seen) throws Exception {
    int n = 0;
    for (GetResponse r = ch.basicGet(q, true); r != null; r = ch.basicGet(q, true)) {
      seen.add(new String(r.getBody(), StandardCharsets.UTF_8));
      n++;
    }
    return n;
  }
}
