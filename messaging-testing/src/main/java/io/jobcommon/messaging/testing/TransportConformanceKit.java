package io.jobcommon.messaging.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.DeliveryHandler;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link Transport} must show, as an abstract JUnit 5 suite: a transport's
 * integration test extends it, says how to build the transport and declares its {@link
 * TransportCapabilities}. The same assertions run on every broker, so a worker behaves the same on
 * SQS, RabbitMQ and in memory. The tests come in four groups ({@code @Nested}): send, settle, lease
 * and lifecycle; a test that needs a capability the transport lacks is skipped with the reason.
 *
 * <pre>{@code
 * class SqsTransportConformanceIT extends TransportConformanceKit {
 *   @Override
 *   protected Transport createTransport() {
 *     return SqsTransport.builder()
 *         .setEndpointOverride(elasticMq.endpoint())
 *         .setAutoCreateQueues(true)
 *         .build();
 *   }
 *
 *   @Override
 *   protected TransportCapabilities capabilities() {
 *     return TransportCapabilities.basic().withFifoGroups().withMaxBodySize(1 << 20);
 *   }
 * }
 * }</pre>
 *
 * <p>Needs JUnit 5, AssertJ and Awaitility on the test classpath. Each test gets a new transport
 * and fresh queue names; queues must be created on first use.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class TransportConformanceKit {
  /** How long a test waits for something that must happen. */
  static final Duration WAIT = Duration.ofSeconds(30);

  private final List<Subscription> opened = new ArrayList<>();

  /** The transport under test in the current test. */
  protected Transport transport;

  /** A new transport for each test; the kit closes it. Queues must be created on first use. */
  protected abstract Transport createTransport();

  /** What the transport can do beyond the common promises; the kit skips the tests it can't run. */
  protected abstract TransportCapabilities capabilities();

  /** A fresh queue name; override for a broker's naming rules. */
  protected String newQueueName() {
    return "jc-kit-" + UUID.randomUUID().toString().substring(0, 12);
  }

  /**
   * A fresh name for a queue that keeps FIFO groups in order (only asked when {@link
   * TransportCapabilities#fifoGroups()}); the default is {@link #newQueueName()}. SQS: a {@code
   * .fifo} suffix.
   */
  protected String newFifoQueueName() {
    return newQueueName();
  }

  /** Options for the kit's consumers: small leases so that lease behaviour is seen quickly. */
  protected ConsumerOptions options(int concurrency, int prefetch) {
    return ConsumerOptions.builder()
        .setConcurrency(concurrency)
        .setPrefetch(prefetch)
        .setLease(Duration.ofSeconds(30))
        .setShutdownTimeout(Duration.ofSeconds(20))
        .build();
  }

  @BeforeEach
  void createTheTransport() {
    transport = createTransport();
  }

  @AfterEach
  void closeTheTransport() {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    opened.clear();
    if (transport != null) {
      transport.close();
    }
  }

  /** Promises of {@code send} and {@code sendBatch}. */
  @Nested
  @DisplayName("send")
  class Send extends SendConformance {
    Send() {
      super(TransportConformanceKit.this);
    }
  }

  /** Promises of the settling verbs: ack, retry later, dead-letter, first settle wins. */
  @Nested
  @DisplayName("settle")
  class Settle extends SettleConformance {
    Settle() {
      super(TransportConformanceKit.this);
    }
  }

  /** Promises of leases: expiry redelivers, extendLease holds, and is ignored once settled. */
  @Nested
  @DisplayName("lease")
  class Lease extends LeaseConformance {
    Lease() {
      super(TransportConformanceKit.this);
    }
  }

  /** Promises of subscriptions and transports over their life: bounds, close, after close. */
  @Nested
  @DisplayName("lifecycle")
  class Lifecycle extends LifecycleConformance {
    Lifecycle() {
      super(TransportConformanceKit.this);
    }
  }

  // --- used by the groups ---

  /** Skips the current test unless leases expire unless extended. */
  final void assumeExpiringLeases() {
    assumeTrue(
        capabilities().leasesExpire(),
        "the transport declares no expiring leases: an unsettled message stays with its running"
            + " consumer");
  }

  /** Skips the current test unless the transport enforces a body size limit. */
  final int assumeMaxBodySize() {
    int max = capabilities().maxBodySize();
    assumeTrue(max > 0, "the transport declares no body size limit of its own");
    return max;
  }

  /** Skips the current test unless the transport keeps FIFO groups in order. */
  final void assumeFifoGroups() {
    assumeTrue(capabilities().fifoGroups(), "the transport declares no FIFO groups");
  }

  /** Subscribes on the test's transport; the kit closes the subscription after the test. */
  final Subscription subscribe(String queue, ConsumerOptions options, DeliveryHandler handler) {
    Subscription s = transport.subscribe(queue, options, handler);
    opened.add(s);
    return s;
  }

  final String send(String queue, byte[] body, Map<String, String> headers) {
    return transport
        .send(OutgoingMessage.builder(queue).setBody(body).setHeaders(headers).build())
        .join();
  }

  final String send(String queue, String body) {
    return send(queue, utf8(body), Map.of());
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] body) {
    return new String(body, StandardCharsets.UTF_8);
  }
}
