package io.jobcommon.examples.spring;

import java.net.URI;
import java.util.Arrays;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The example service. {@code MESSAGING_BROKER=rabbitmq RABBITMQ_URL=amqp://guest:guest@localhost
 * java -jar examples-spring-boot/target/examples-spring-boot-*.jar}, or with {@code --embedded-sqs}
 * on an SQS server (ElasticMQ) in the same JVM.
 */
@SpringBootApplication
@EnableScheduling
public class SpringExampleApplication {
  /** Spring creates it. */
  SpringExampleApplication() {}

  /** Runs the service until SIGTERM; {@code --embedded-sqs} starts an SQS server first. */
  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(SpringExampleApplication.class);
    if (Arrays.asList(args).contains("--embedded-sqs")) {
      SQSRestServer sqs = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
      int port = sqs.waitUntilStarted().localAddress().getPort();
      app.setDefaultProperties(embeddedSqs(URI.create("http://127.0.0.1:" + port)));
    }
    app.run(args);
  }

  /** The properties of an SQS server at {@code endpoint} that checks no credentials. */
  static Map<String, Object> embeddedSqs(URI endpoint) {
    return Map.of(
        "jobcommon.broker", "sqs",
        "jobcommon.sqs.endpoint", endpoint.toString(),
        "jobcommon.sqs.region", "us-east-1",
        "jobcommon.sqs.auto-create-queues", "true",
        "AWS_ACCESS_KEY_ID", "embedded",
        "AWS_SECRET_ACCESS_KEY", "embedded");
  }
}
