package io.jobcommon.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.SendFailedException;
import io.jobcommon.messaging.SendOutcomeUnknownException;
import io.jobcommon.messaging.sqs.SqsTransport;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A send tells "not sent" from "may have been stored", through a TCP proxy in front of ElasticMQ:
 *
 * <ul>
 *   <li>the endpoint refuses connections: the request never left, so {@link SendFailedException}
 *       ("send it again"), and the queue is indeed empty;
 *   <li>the proxy passes the request but swallows SQS's answer (a connection that dies while the
 *       request is out): {@link SendOutcomeUnknownException}, and the message is indeed in the
 *       queue, which is exactly why "not sent, send it again" would have been wrong.
 * </ul>
 */
@ReliabilityTest
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SqsSendOutcomeIT {
  private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
  private static SqsBroker sqs;

  @BeforeAll
  static void setUp(SqsBroker broker) {
    sqs = broker;
  }

  private static Throwable sendFailure(MessageClient client, String queue, String id) {
    try {
      client.sendAsync(queue, new Job(id, 0)).join();
    } catch (CompletionException e) {
      return e.getCause();
    }
    throw new AssertionError("the send of " + id + " succeeded");
  }

  @Test
  void aRefusedConnectionIsNotSentAndAnAnswerLostInFlightIsOutcomeUnknown() throws Exception {
    String queue = SqsBroker.queue("outcome");
    try (TcpProxy proxy = TcpProxy.start(sqs.port());
        SqsAsyncClient client =
            sqs.client(URI.create("http://127.0.0.1:" + proxy.port()), ATTEMPT_TIMEOUT);
        SqsAsyncClient direct = sqs.client(sqs.endpoint());
        SqsTransport transport =
            SqsTransport.builder().setClient(client).setAutoCreateQueues(true).build()) {
      String url = direct.createQueue(b -> b.queueName(queue)).join().queueUrl();
      MessageClient messages = MessageClient.create(transport);
      messages.send(queue, new Job("warm-up", 0)); // the queue's URL is cached
      assertThat(receive(direct, url)).hasSize(1);

      // Refused: an endpoint on a port nobody listens on (a cut proxy's port could be taken over).
      long t0;
      Throwable refused;
      long refusedMs;
      try (DeadCollector closed = DeadCollector.start(DeadCollector.Kind.REFUSING);
          SqsAsyncClient refusingClient =
              // A refusal is instant; a short attempt timeout on a loaded machine would turn a
              // slow refusal into a timed-out attempt, which is rightly "outcome unknown".
              sqs.client(URI.create(closed.endpoint()), Duration.ofSeconds(20));
          SqsTransport refusing = SqsTransport.builder().setClient(refusingClient).build()) {
        t0 = System.nanoTime();
        refused = sendFailure(MessageClient.create(refusing), queue, "refused");
        refusedMs = (System.nanoTime() - t0) / 1_000_000;
      }
      assertThat(refused)
          .isExactlyInstanceOf(SendFailedException.class)
          .hasMessageContaining("queue '" + queue + "'")
          .hasMessageContaining("the message was not sent; send it again");
      assertThat(receive(direct, url)).as("a refused send stored nothing").isEmpty();

      proxy.swallowAnswers();
      t0 = System.nanoTime();
      Throwable lost = sendFailure(messages, queue, "answer-lost");
      long lostMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(lost)
          .isExactlyInstanceOf(SendOutcomeUnknownException.class)
          .hasMessageContaining("queue '" + queue + "'")
          .hasMessageContaining("may have been stored");
      assertThat(lost).isNotInstanceOf(SendFailedException.class);
      List<String> stored = receive(direct, url).stream().map(Message::body).toList();
      assertThat(stored)
          .as("what SQS stored although the sender never heard back (SDK retries included)")
          .isNotEmpty()
          .allMatch(b -> b.contains("answer-lost"));
      proxy.heal();
      messages.send(queue, new Job("after", 0));

      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("refused_send_failed_after_ms", refusedMs);
      figures.put("refused_exception", refused.getClass().getSimpleName());
      figures.put("answer_lost_send_failed_after_ms", lostMs);
      figures.put("answer_lost_exception", lost.getClass().getSimpleName());
      figures.put("answer_lost_copies_stored", stored.size());
      Figures.record("sqs send outcome", figures);
    }
  }

  private static List<Message> receive(SqsAsyncClient direct, String url) {
    return direct
        .receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1))
        .join()
        .messages();
  }
}
