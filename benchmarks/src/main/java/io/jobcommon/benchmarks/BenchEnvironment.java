package io.jobcommon.benchmarks;

import io.jobcommon.messaging.rabbitmq.RabbitMqTransport;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.sqs.SqsTransport;
import io.jobcommon.messaging.testing.InMemoryTransport;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What runs need beyond one run: the OTLP sink (started once, on first use) and, for SQS, the
 * embedded broker. Creates each run's {@link Workload} on a fresh queue. One thread uses it.
 */
final class BenchEnvironment implements AutoCloseable {
  private @Nullable SinkProcess sink;
  private @Nullable SqsBroker sqs;

  /** A workload for {@code o}'s broker, client and tracing, on a new queue. */
  Workload workload(BenchOptions o) throws Exception {
    return workload(o, "bench-" + UUID.randomUUID().toString().substring(0, 8));
  }

  /** A workload for {@code o}'s broker, client and tracing, on {@code queue}. */
  Workload workload(BenchOptions o, String queue) throws Exception {
    if (o.client().equals("raw")) {
      return switch (o.broker()) {
        case "rabbitmq" -> new RawRabbitWorkload(o, queue);
        case "sqs" -> new RawSqsWorkload(o, queue, sqs(o));
        default -> throw new IllegalArgumentException("no raw client for broker " + o.broker());
      };
    }
    Telemetry telemetry = telemetry(o);
    try {
      return switch (o.broker()) {
        case "in-memory" ->
            new SdkWorkload(o, queue, InMemoryTransport.create(), telemetry, () -> {});
        case "rabbitmq" -> new SdkWorkload(o, queue, rabbit(o), telemetry, rabbitCleanup(o, queue));
        case "sqs" ->
            new SdkWorkload(o, queue, sqsTransport(o, queue), telemetry, sqsCleanup(o, queue));
        default -> throw new IllegalArgumentException("broker " + o.broker() + " is not available");
      };
    } catch (RuntimeException e) {
      if (telemetry != null) {
        telemetry.close();
      }
      throw e;
    }
  }

  private @Nullable Telemetry telemetry(BenchOptions o) throws Exception {
    switch (o.tracing()) {
      case "on":
        return new Telemetry(o, null, null);
      case "otlp":
        SinkProcess s = sink(o);
        return new Telemetry(o, s.baseUrl(), s::spans);
      default:
        return null;
    }
  }

  private SinkProcess sink(BenchOptions o) throws Exception {
    if (sink == null) {
      String url = o.sinkUrl();
      sink = url != null ? SinkProcess.external(url) : SinkProcess.launch();
    }
    return sink;
  }

  private SqsBroker sqs(BenchOptions o) {
    if (sqs == null) {
      String endpoint = o.sqsEndpoint();
      sqs = endpoint != null ? SqsBroker.external(endpoint) : SqsBroker.embedded();
    }
    return sqs;
  }

  /**
   * The SQS endpoint of {@code o}'s runs for another process; an embedded broker is started and
   * warmed up first, as a real SQS is always warm.
   */
  String sqsEndpoint(BenchOptions o) {
    SqsBroker broker = sqs(o);
    if (o.sqsEndpoint() == null) {
      broker.warm(50);
    }
    return broker.endpoint().toString();
  }

  /** The SDK transport as a service would build it: the queue it uses resolved at start. */
  private Transport sqsTransport(BenchOptions o, String queue) {
    SqsBroker broker = sqs(o);
    return SqsTransport.builder()
        .setEndpointOverride(broker.endpoint())
        .setRegion("us-east-1")
        .setCredentialsProvider(broker.credentials())
        .setAutoCreateQueues(true)
        .setWarmUpQueues(List.of(queue))
        .build();
  }

  private Workload.Cleanup sqsCleanup(BenchOptions o, String queue) {
    return new SqsCleanup(sqs(o), List.of(queue, queue + "-dlq"));
  }

  private static Transport rabbit(BenchOptions o) {
    return RabbitMqTransport.builder().setUri(o.rabbitUri()).setConnectionName("bench-sdk").build();
  }

  private static Workload.Cleanup rabbitCleanup(BenchOptions o, String queue) {
    return new RabbitAdmin(o.rabbitUri(), List.of(queue, queue + "-dlq"));
  }

  @Override
  public void close() {
    if (sink != null) {
      sink.close();
    }
    if (sqs != null) {
      sqs.close();
    }
  }
}
