package io.jobcommon.benchmarks;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.tracing.MessagingTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The tracing layer's cost per message, end to end: a send through {@link MessagingTelemetry}'s
 * transport (producer span, inject) and the delivery of that message to a handler (extract,
 * consumer span with MDC and scope, ack, span end, metrics), on a {@link LoopbackTransport} with no
 * broker. {@code tracing=off} is the same path without the layer; the difference is the layer's
 * cost. {@code sdk} is a real SDK (sampling everything, batch processor, no-op exporter, metrics
 * aggregated); {@code sdk10} the same sampling 10 % of new traces (production sampling: most
 * messages are not recorded, so this is mostly the cost outside span recording); {@code noop} is
 * the layer on {@link OpenTelemetry#noop()}. With {@code -prof gc}, {@code gc.alloc.rate.norm} is
 * the bytes allocated per message.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TracingLayerBenchmark {
  private static final String QUEUE = "bench";

  /**
   * off: no tracing layer; noop: the layer on OpenTelemetry.noop(); sdk: a real SDK; sdk10: a real
   * SDK sampling 10 %.
   */
  @Param({"off", "noop", "sdk", "sdk10"})
  public String tracing = "off";

  private @Nullable Telemetry telemetry;
  private LoopbackTransport loopback = new LoopbackTransport();
  private Transport transport = loopback;
  private OutgoingMessage message = OutgoingMessage.builder(QUEUE).setBody(new byte[0]).build();

  /** Builds the transport for the parameter. */
  @Setup(Level.Trial)
  public void setUp() {
    loopback = new LoopbackTransport();
    switch (tracing) {
      case "off":
        transport = loopback;
        break;
      case "noop":
        transport = MessagingTelemetry.create(OpenTelemetry.noop()).wrap(loopback);
        break;
      case "sdk":
      case "sdk10":
        Telemetry t = Telemetry.noopExport(tracing.equals("sdk") ? 1.0 : 0.1);
        telemetry = t;
        transport = MessagingTelemetry.create(t.openTelemetry()).wrap(loopback);
        break;
      default:
        throw new IllegalArgumentException("tracing must be off, noop, sdk or sdk10: " + tracing);
    }
    transport.subscribe(QUEUE, ConsumerOptions.defaults(), d -> d.ack());
    message = OutgoingMessage.builder(QUEUE).setBody(new Payloads(1024).next()).build();
  }

  /** Flushes and stops the SDK. */
  @TearDown(Level.Trial)
  public void tearDown() {
    if (telemetry != null) {
      telemetry.close();
    }
  }

  /** One message: send (producer span, inject), then handle it (extract, consumer span, ack). */
  @Benchmark
  public boolean sendAndProcess() {
    // The loopback completes the send at once; a failed send shows as false below.
    CompletableFuture<String> unused = transport.send(message);
    return loopback.deliverLast();
  }
}
