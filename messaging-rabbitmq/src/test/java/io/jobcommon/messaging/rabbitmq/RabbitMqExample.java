package io.jobcommon.messaging.rabbitmq;

import io.jobcommon.messaging.Dispatcher;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.spi.Transport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The README's RabbitMQ example, compiled and run by {@link RabbitMqExampleIT}: build the transport
 * from a URI, send a payload, and run a job worker on the same queue.
 */
public final class RabbitMqExample {
  /** The payload of the example job. */
  public record SbomUploaded(String sbomId, String orgId) {}

  private RabbitMqExample() {}

  /**
   * Sends one {@link SbomUploaded} to {@code queue} and waits until a worker has handled it.
   *
   * @return whether the worker handled it within 30 s
   */
  public static boolean run(String rabbitmqUrl, String queue) throws InterruptedException {
    CountDownLatch handled = new CountDownLatch(1);
    // snippet:start rabbitmq
    Transport rabbit =
        RabbitMqTransport.builder()
            .setUri(rabbitmqUrl) // amqp[s]://user:pass@host:port/vhost
            .setQueueType(QueueType.QUORUM) // replicated queues; CLASSIC by default
            .setDelayTiers(
                List.of(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1)))
            .build(); // connects, fails fast
    // snippet:end rabbitmq
    try (rabbit;
        Dispatcher dispatcher = Dispatcher.builder(rabbit).build()) {
      dispatcher.start(
          JobConsumer.of(
              queue,
              SbomUploaded.class,
              (sbom, ctx) -> {
                System.out.println("processing " + sbom.sbomId());
                handled.countDown(); // returning acks; throwing retries through the delay tiers
              }));
      MessageClient client = MessageClient.create(rabbit);
      client.send(queue, new SbomUploaded("sbom-1", "org-1")); // returns on the broker's confirm
      return handled.await(30, TimeUnit.SECONDS);
    }
  }

  /** Runs the example against {@code RABBITMQ_URL} or the local broker. */
  public static void main(String[] args) throws InterruptedException {
    String url =
        System.getenv().getOrDefault("RABBITMQ_URL", "amqp://guest:guest@localhost:5672/%2F");
    System.exit(run(url, "example-sbom-process-queue") ? 0 : 1);
  }
}
