package io.jobcommon.agent;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * A consumer that knows nothing of job-common: the raw amqp-client or AWS SDK, instrumented only by
 * the OpenTelemetry Java agent. Takes one message from {@code QUEUE} ({@code MESSAGING_BROKER},
 * {@code RABBITMQ_URL} or {@code SQS_ENDPOINT}), settles it, prints {@code consumed} and exits.
 */
public final class PlainConsumerMain {
  private PlainConsumerMain() {}

  public static void main(String[] args) throws Exception {
    String queue = System.getenv("QUEUE");
    if ("rabbitmq".equals(System.getenv("MESSAGING_BROKER"))) {
      rabbit(queue);
    } else {
      sqs(queue);
    }
    System.out.println("consumed");
    System.exit(0);
  }

  private static void rabbit(String queue) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(System.getenv("RABBITMQ_URL"));
    try (Connection connection = factory.newConnection("plain-consumer")) {
      Channel channel = awaitQueue(connection, queue);
      CountDownLatch done = new CountDownLatch(1);
      DeliverCallback onDelivery =
          (tag, delivery) -> {
            channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
            done.countDown();
          };
      channel.basicConsume(queue, false, onDelivery, tag -> {});
      if (!done.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("no message on " + queue);
      }
    }
  }

  /** The queue is declared by the producer's first send. */
  private static Channel awaitQueue(Connection connection, String queue) throws Exception {
    for (int i = 0; i < 600; i++) {
      Channel channel = connection.createChannel();
      try {
        channel.queueDeclarePassive(queue);
        return channel;
      } catch (IOException absent) {
        Thread.sleep(100); // polling a broker from a child process, not waiting in a test
      }
    }
    throw new IllegalStateException("queue " + queue + " never appeared");
  }

  private static void sqs(String queue) throws Exception {
    try (SqsClient sqs =
        SqsClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(URI.create(System.getenv("SQS_ENDPOINT")))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .build()) {
      String url = null;
      for (int i = 0; i < 600 && url == null; i++) {
        try {
          url = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
        } catch (QueueDoesNotExistException absent) {
          Thread.sleep(100); // the producer's first send creates it
        }
      }
      String queueUrl = url;
      for (int polls = 0; polls < 60; polls++) {
        ReceiveMessageResponse response =
            sqs.receiveMessage(
                b ->
                    b.queueUrl(queueUrl)
                        .waitTimeSeconds(1)
                        .messageAttributeNames("All")
                        .messageSystemAttributeNamesWithStrings("All"));
        // The agent's process span covers each iteration and ends at the next hasNext(): the loop
        // must run to its end, or the span is never ended (nor exported).
        for (Message m : response.messages()) {
          sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
        }
        if (!response.messages().isEmpty()) {
          return;
        }
      }
      throw new IllegalStateException("no message on " + queue);
    }
  }
}
