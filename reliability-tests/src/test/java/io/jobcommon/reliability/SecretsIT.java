package io.jobcommon.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.rabbitmq.RabbitMqTransport;
import io.jobcommon.messaging.sqs.SqsTransport;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs last (see junit-platform.properties): first provokes the failures most likely to print a
 * credential (a broker that refuses the connection, a worker whose configuration is wrong, in this
 * JVM and in child JVMs, logged the way an application would log them, stack traces included), then
 * scans everything the suite logged, in this JVM and every child JVM (log files and stdout/stderr),
 * for the RabbitMQ password and the AWS secret key the suite used all along.
 */
@ReliabilityTest
@Order(Integer.MAX_VALUE)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SecretsIT {
  private static final Logger log = LoggerFactory.getLogger(SecretsIT.class);
  private static RabbitBroker rabbit;
  private static SqsBroker sqs;

  @BeforeAll
  static void setUp(RabbitBroker r, SqsBroker s) {
    rabbit = r;
    sqs = s;
  }

  @Test
  void noLogOfTheSuiteContainsTheRabbitMqPasswordOrTheAwsSecretKey() throws Exception {
    provokeFailures();

    List<String> secrets = new ArrayList<>();
    secrets.add(sqs.secretKey());
    secrets.add(URLEncoder.encode(sqs.secretKey(), StandardCharsets.UTF_8));
    if (rabbit.canInjectFaults()) { // our own random password; guest's is no secret
      secrets.add(rabbit.password());
      secrets.add(URLEncoder.encode(rabbit.password(), StandardCharsets.UTF_8));
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(ChildJvm.logDir())) {
      files =
          walk.filter(Files::isRegularFile)
              .filter(p -> p.toString().endsWith(".log") || p.toString().endsWith(".out"))
              .collect(Collectors.toList());
    }
    long bytes = 0;
    List<String> leaks = new ArrayList<>();
    for (Path f : files) {
      String text = read(f);
      bytes += text.length();
      for (String secret : secrets) {
        int at = text.indexOf(secret);
        if (at >= 0) {
          int lineStart = text.lastIndexOf('\n', at) + 1;
          leaks.add(f.getFileName() + ": " + text.substring(lineStart, at) + "<SECRET>");
        }
      }
    }
    // Not a vacuous scan: the suite's JVM and several child JVMs logged, with the broker users.
    assertThat(files.stream().map(p -> p.getFileName().toString()))
        .contains("suite-jvm.log", "secrets-rabbitmq-child.out", "secrets-sqs-child.out");
    assertThat(read(ChildJvm.logDir().resolve("suite-jvm.log")))
        .contains(SqsBroker.ACCESS_KEY_ID.substring(0, 4))
        .contains("secrets-check");
    assertThat(leaks)
        .as("log lines with a secret (%d files, %d chars scanned)", files.size(), bytes)
        .isEmpty();
    Figures.record(
        "secrets scan",
        Map.of(
            "files",
            files.size(),
            "chars",
            bytes,
            "secrets",
            secrets.size(),
            "leaks",
            leaks.size()));
  }

  private static void provokeFailures() {
    // A broker that refuses the connection, with the real password in the URI.
    String refused = rabbit.url().replace(":5672/", ":1/");
    Throwable e = catchThrowable(() -> RabbitMqTransport.builder().setUri(refused).build().close());
    log.error("secrets-check: RabbitMQ transport could not start", e);
    try (RabbitMqTransport t = rabbit.transport().build()) {
      log.info("secrets-check: {} / {}", t, MessageClient.create(t));
    }
    // An SQS endpoint that refuses the connection, with the real secret key.
    try (SqsTransport t = sqs.transport(URI.create("http://127.0.0.1:1")).build()) {
      Throwable send =
          catchThrowable(() -> MessageClient.create(t).send("secrets-check", new Job("x", 1)));
      log.error("secrets-check: SQS send failed ({})", t, send);
    }
    log.info("secrets-check: credentials provider {}", sqs.credentials());
    log.info("secrets-check: credentials {}", sqs.credentials().resolveCredentials());
    log.info("secrets-check: SQS transport {}", sqs.transport());

    // Workers in child JVMs whose broker refuses them: they log and exit non-zero.
    Map<String, String> rabbitEnv = new HashMap<>();
    rabbitEnv.put("MESSAGING_BROKER", "rabbitmq");
    rabbitEnv.put("RABBITMQ_URL", refused);
    Map<String, String> sqsEnv = new HashMap<>(sqs.childEnv());
    sqsEnv.put("SQS_ENDPOINT", "http://127.0.0.1:1");
    sqsEnv.put("SQS_AUTO_CREATE_QUEUES", "false");
    for (Map.Entry<String, Map<String, String>> child :
        Map.of("secrets-rabbitmq-child", rabbitEnv, "secrets-sqs-child", sqsEnv).entrySet()) {
      Map<String, String> env = new HashMap<>(child.getValue());
      env.put("OTEL_TRACES_EXPORTER", "none");
      env.put("OTEL_METRICS_EXPORTER", "none");
      env.put("OTEL_LOGS_EXPORTER", "none");
      env.put("JOB_SHUTDOWN_TIMEOUT", "1s");
      try (ChildJvm jvm =
          ChildJvm.start(
              child.getKey(),
              SigtermWorkerMain.class,
              env,
              "secrets-check",
              ChildJvm.logDir().resolve(child.getKey() + ".handled").toString(),
              "1",
              "1",
              "0",
              "3",
              "1000")) {
        Path childLog = ChildJvm.logDir().resolve(child.getKey() + ".log");
        // The RabbitMQ worker fails at start and exits; the SQS one starts and keeps failing to
        // poll, so it is stopped once it has logged that.
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    !jvm.isAlive()
                        || (Files.exists(childLog)
                            && read(childLog).contains("receiving from queue")));
        if (jvm.isAlive()) {
          jvm.terminate(Duration.ofSeconds(30));
        }
        assertThat(jvm.output() + (Files.exists(childLog) ? read(childLog) : ""))
            .as("what %s printed", child.getKey())
            .containsAnyOf("cannot connect to RabbitMQ", "receiving from queue");
      }
    }
  }

  private static String read(Path f) {
    try {
      return new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
