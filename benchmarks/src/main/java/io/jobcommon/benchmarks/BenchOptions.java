package io.jobcommon.benchmarks;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one benchmark run, as given on the command line ({@link #parse}). Immutable.
 *
 * @param broker rabbitmq, sqs or in-memory
 * @param client sdk or raw
 * @param tracing off, on (real SDK, batch processor, no-op exporter) or otlp (real OTLP/HTTP export
 *     to a sink)
 * @param duration how long producers send; ignored when {@code messages} is positive
 * @param messages how many messages to send in all; 0 to send for {@code duration}
 * @param warmup how long to run (and discard) before measuring
 * @param bodySize body bytes per message (at least 16: the send timestamp)
 * @param producers producer threads
 * @param consumers handler threads (SDK concurrency) or consuming channels/pollers (raw)
 * @param prefetch messages held ready beyond the running handlers (AMQP basic.qos on raw)
 * @param confirmWindow unconfirmed sends each producer keeps in flight
 * @param batchSize SQS send batch size (1 to 10); RabbitMQ sends one by one
 * @param maxBacklog the most messages sent but not yet consumed; producers wait beyond it
 * @param rabbitUri the RabbitMQ URI
 * @param sqsEndpoint an SQS endpoint, or null for an embedded ElasticMQ
 * @param sampling the trace sampling ratio for new traces (tracing on/otlp)
 * @param sinkUrl the OTLP/HTTP base URL, or null to start a sink JVM
 * @param batchProcessor the batch span processor's settings
 * @param rounds compare mode: measured rounds
 */
record BenchOptions(
    String broker,
    String client,
    String tracing,
    Duration duration,
    long messages,
    Duration warmup,
    int bodySize,
    int producers,
    int consumers,
    int prefetch,
    int confirmWindow,
    int batchSize,
    int maxBacklog,
    String rabbitUri,
    @Nullable String sqsEndpoint,
    double sampling,
    @Nullable String sinkUrl,
    BatchSettings batchProcessor,
    int rounds) {

  static final String USAGE =
      String.join(
          "\n",
          "options (defaults in brackets):",
          "  --broker rabbitmq|sqs|in-memory [in-memory]   --client sdk|raw [sdk]",
          "  --tracing off|on|otlp [off]    --duration SECONDS [10]   --messages N [0 = use duration]",
          "  --warmup SECONDS [0]           --body-size BYTES [1024]  --producers N [1]",
          "  --consumers N [1]              --prefetch N [100]        --confirm-window N [100]",
          "  --batch-size N [10] (SQS)      --max-backlog N [10000]   --rounds N [5] (compare)",
          "  --rabbit-uri URI [amqp://guest:guest@127.0.0.1:5672/%2F or RABBITMQ_URL]",
          "  --sqs-endpoint URL [embedded ElasticMQ]",
          "  --sampling RATIO [1.0]         --sink-url URL [start a sink JVM] (tracing otlp)",
          "  --bsp-queue N [2048]  --bsp-batch N [512]  --bsp-delay-ms N [5000]"
              + "  --bsp-timeout-ms N [30000]");

  BenchOptions {
    Objects.requireNonNull(broker, "broker");
    oneOf("broker", broker, "rabbitmq", "sqs", "in-memory");
    oneOf("client", client, "sdk", "raw");
    oneOf("tracing", tracing, "off", "on", "otlp");
    if (client.equals("raw") && !tracing.equals("off")) {
      throw new IllegalArgumentException("--client raw has no tracing: use --tracing off");
    }
    if (client.equals("raw") && broker.equals("in-memory")) {
      throw new IllegalArgumentException(
          "--client raw needs --broker rabbitmq or sqs (in-memory has no raw client)");
    }
    atLeast("body-size", bodySize, Payloads.HEADER_BYTES);
    atLeast("producers", producers, 1);
    atLeast("consumers", consumers, 1);
    atLeast("prefetch", prefetch, 0);
    atLeast("confirm-window", confirmWindow, 1);
    atLeast("max-backlog", maxBacklog, 1);
    atLeast("rounds", rounds, 1);
    if (batchSize < 1 || batchSize > 10) {
      throw new IllegalArgumentException("--batch-size must be 1 to 10, was " + batchSize);
    }
    if (confirmWindow < batchSize || maxBacklog < batchSize * producers) {
      throw new IllegalArgumentException(
          "--confirm-window must be at least --batch-size, and --max-backlog at least"
              + " --batch-size x --producers");
    }
    if (!(sampling >= 0 && sampling <= 1)) {
      throw new IllegalArgumentException("--sampling must be between 0 and 1, was " + sampling);
    }
    if (messages <= 0 && (duration.isZero() || duration.isNegative())) {
      throw new IllegalArgumentException("give a positive --duration or --messages");
    }
  }

  /** Parses {@code --name value} pairs; unknown names fail. */
  static BenchOptions parse(Args a) {
    String rabbit = System.getenv("RABBITMQ_URL");
    BenchOptions o =
        new BenchOptions(
            a.string("broker", "in-memory").toLowerCase(Locale.ROOT),
            a.string("client", "sdk").toLowerCase(Locale.ROOT),
            a.string("tracing", "off").toLowerCase(Locale.ROOT),
            Duration.ofMillis(Math.round(a.decimal("duration", 10) * 1000)),
            a.integer("messages", 0),
            Duration.ofMillis(Math.round(a.decimal("warmup", 0) * 1000)),
            (int) a.integer("body-size", 1024),
            (int) a.integer("producers", 1),
            (int) a.integer("consumers", 1),
            (int) a.integer("prefetch", 100),
            (int) a.integer("confirm-window", 100),
            (int) a.integer("batch-size", 10),
            (int) a.integer("max-backlog", 10_000),
            a.string(
                "rabbit-uri", rabbit != null ? rabbit : "amqp://guest:guest@127.0.0.1:5672/%2F"),
            a.optional("sqs-endpoint"),
            a.decimal("sampling", 1.0),
            a.optional("sink-url"),
            new BatchSettings(
                (int) a.integer("bsp-queue", 2048),
                (int) a.integer("bsp-batch", 512),
                Duration.ofMillis(a.integer("bsp-delay-ms", 5000)),
                Duration.ofMillis(a.integer("bsp-timeout-ms", 30_000))),
            (int) a.integer("rounds", 5));
    a.requireAllUsed();
    return o;
  }

  /** The SQS batch size that applies: RabbitMQ and in-memory send one by one. */
  int effectiveBatchSize() {
    return broker.equals("sqs") ? batchSize : 1;
  }

  /** A copy for another variant of the same workload (compare mode). */
  BenchOptions withVariant(String client, String tracing) {
    return new BenchOptions(
        broker,
        client,
        tracing,
        duration,
        messages,
        Duration.ZERO,
        bodySize,
        producers,
        consumers,
        prefetch,
        confirmWindow,
        batchSize,
        maxBacklog,
        rabbitUri,
        sqsEndpoint,
        sampling,
        sinkUrl,
        batchProcessor,
        rounds);
  }

  /** A copy that runs for {@code length} instead (warm-up). */
  BenchOptions withDuration(Duration length) {
    return new BenchOptions(
        broker,
        client,
        tracing,
        length,
        0,
        Duration.ZERO,
        bodySize,
        producers,
        consumers,
        prefetch,
        confirmWindow,
        batchSize,
        maxBacklog,
        rabbitUri,
        sqsEndpoint,
        sampling,
        sinkUrl,
        batchProcessor,
        rounds);
  }

  private static void oneOf(String name, String value, String... allowed) {
    for (String a : allowed) {
      if (a.equals(value)) {
        return;
      }
    }
    throw new IllegalArgumentException(
        "--" + name + " must be one of " + String.join("|", allowed) + ", was '" + value + "'");
  }

  private static void atLeast(String name, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(
          "--" + name + " must be at least " + min + ", was " + value);
    }
  }

  /**
   * The batch span processor's settings.
   *
   * @param maxQueueSize spans waiting for export before new ones are dropped
   * @param maxExportBatchSize spans per export request
   * @param scheduleDelay the longest wait before a partial batch is exported
   * @param exporterTimeout how long one export may take
   */
  record BatchSettings(
      int maxQueueSize, int maxExportBatchSize, Duration scheduleDelay, Duration exporterTimeout) {

    @Override
    public String toString() {
      return "queue="
          + maxQueueSize
          + " batch="
          + maxExportBatchSize
          + " delay_ms="
          + scheduleDelay.toMillis()
          + " timeout_ms="
          + exporterTimeout.toMillis();
    }
  }
}
