package io.jobcommon.job;

import io.jobcommon.messaging.ConfigurationException;
import io.jobcommon.messaging.Dispatcher;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.MessagingException;
import io.jobcommon.messaging.spi.LogSafe;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.spi.TransportSettings;
import io.jobcommon.messaging.tracing.MessagingTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@code job-*} service from its environment: the broker named by {@code MESSAGING_BROKER},
 * OpenTelemetry from the {@code OTEL_*} variables, every send and receipt traced. {@link #run}
 * serves job workers until SIGTERM, {@link #runScheduled} runs a cron job in a fresh trace, {@link
 * #client()} sends from an API service. On the way out in-flight handlers finish, the broker
 * connection closes and telemetry is flushed, in that order.
 *
 * <pre>{@code
 * public static void main(String[] args) {                     // a worker
 *   System.exit(JobRuntime.launch(runtime -> runtime.run(new SbomProcessJob())));
 * }
 *
 * public static void main(String[] args) {                     // a cron job
 *   System.exit(JobRuntime.launch(runtime -> runtime.runScheduled("daily-vuln-match", ctx -> {
 *     for (String org : orgs()) ctx.client().send("vulnerability-match-queue", new MatchRequest(org, LocalDate.now()));
 *   })));
 * }
 *
 * try (JobRuntime runtime = JobRuntime.builder().setTransport(broker).build()) {  // a test
 *   runtime.start(new SbomProcessJob());
 *   runtime.client().send("sbom-process-queue", new SbomUploaded("s1", "o1", List.of()));
 * }
 * }</pre>
 *
 * <p>{@link #launch} turns a configuration error into one line on stderr and exit code {@value
 * #EXIT_CONFIGURATION_ERROR}; {@link #fromEnvironment()} throws it as a {@link
 * ConfigurationException} instead. The runtime never calls {@code System.exit}.
 *
 * <p>Thread-safe. Arguments must not be null.
 */
public final class JobRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobRuntime.class);

  /** Exit code of a clean run. */
  public static final int EXIT_OK = 0;

  /** Exit code of a failed scheduled job, or of a worker that could not drain in time. */
  public static final int EXIT_FAILURE = 1;

  /** Exit code of a configuration error found at start. */
  public static final int EXIT_CONFIGURATION_ERROR = 2;

  private final Telemetry telemetry;
  private final TelemetryShutdown telemetryShutdown;
  private final Transport transport;
  private final boolean ownsTransport;
  private final MessageClient client;
  private final Tracer tracer;
  private final Duration shutdownTimeout;
  private final @Nullable HealthServer health;
  private final @Nullable DepthGauges depth;
  private final @Nullable Thread shutdownHook;
  private final ConsumerMetrics consumerMetrics;
  private final LogExport.Attached logExport;

  private final Object lock = new Object();
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CompletableFuture<Boolean> closed = new CompletableFuture<>();
  private @Nullable Dispatcher dispatcher;
  private boolean closing;

  /** Built by {@link RuntimeStart#create}, which checks the settings and opens the broker first. */
  JobRuntime(JobRuntimeBuilder b, Telemetry telemetry, Transport raw, RuntimeSettings settings) {
    this.telemetry = telemetry;
    this.telemetryShutdown = new TelemetryShutdown(telemetry, settings.telemetryFlushTimeout());
    this.ownsTransport = b.transport == null;
    OpenTelemetry otel = telemetry.openTelemetry();
    MessagingTelemetry.Builder tracing = MessagingTelemetry.builder(otel);
    if (b.openTelemetry == null) {
      tracing.setPropagator(otel.getPropagators().getTextMapPropagator()); // OTEL_PROPAGATORS
    }
    this.transport = tracing.build().wrap(raw);
    this.client = MessageClient.builder(transport).setCodec(b.codec).build();
    this.tracer = otel.getTracer("io.jobcommon.job");
    this.shutdownTimeout =
        b.shutdownTimeout != null ? b.shutdownTimeout : settings.shutdownTimeout();
    Integer port =
        b.healthPort != null
            ? b.healthPort
            : settings.healthPort().stream().boxed().findFirst().orElse(null);
    this.depth =
        DepthGauges.start(
            raw,
            otel,
            b.environment == null
                ? TransportSettings.fromEnvironment()
                : TransportSettings.of(b.environment::get),
            this::consumedQueues);
    this.health = port == null ? null : HealthServer.start(port, this::status);
    this.consumerMetrics =
        ConsumerMetrics.register(otel.getMeter("io.jobcommon.job"), this::status);
    this.logExport = // an OpenTelemetry supplied from outside (the agent's) exports logs itself
        telemetry.owned()
            ? LogExport.start(otel, b.environment != null ? b.environment : System.getenv())
            : LogExport.NONE;
    if (health != null) {
      log.info("health endpoint on http://0.0.0.0:{}/health", health.port());
    }
    if (b.shutdownHook) {
      shutdownHook = new Thread(this::close, "jc-shutdown-hook");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    } else {
      shutdownHook = null;
    }
  }

  /**
   * A runtime configured from the process environment.
   *
   * @throws ConfigurationException naming the variable that is missing or malformed
   */
  public static JobRuntime fromEnvironment() {
    return builder().build();
  }

  /** A builder; what it does not set comes from the environment. */
  public static JobRuntimeBuilder builder() {
    return new JobRuntimeBuilder();
  }

  /**
   * Builds a runtime from the environment, passes it to {@code main} and closes it afterwards;
   * returns what {@code main} returns, or {@value #EXIT_CONFIGURATION_ERROR} after printing one
   * line to stderr when the configuration is wrong, or {@value #EXIT_FAILURE} after printing one
   * line when the broker cannot be reached at start. Meant for {@code System.exit(launch(...))}.
   */
  public static int launch(ToIntFunction<JobRuntime> main) {
    return launch(builder(), System.err, main);
  }

  static int launch(JobRuntimeBuilder builder, PrintStream err, ToIntFunction<JobRuntime> main) {
    Objects.requireNonNull(main, "main");
    JobRuntime runtime;
    try {
      runtime = builder.build();
    } catch (ConfigurationException e) {
      err.println("configuration error: " + e.getMessage());
      return EXIT_CONFIGURATION_ERROR;
    } catch (MessagingException e) {
      // The broker could not be reached at start (refused, unknown host, bad credentials): one
      // line, secrets already masked by the transport; the platform restarts the worker.
      err.println("startup failed: " + LogSafe.of(e.getMessage(), 2048));
      return EXIT_FAILURE;
    }
    try (runtime) {
      return main.applyAsInt(runtime);
    } catch (MessagingException e) {
      // A consumer could not start (a missing queue, a refused topology): one line naming the
      // queue and the fix, as for a broker that cannot be reached.
      err.println("startup failed: " + LogSafe.of(e.getMessage(), 2048));
      return EXIT_FAILURE;
    }
  }

  /**
   * A client on the traced transport; sends inside a handler or a scheduled job continue its trace.
   */
  public MessageClient client() {
    return client;
  }

  /** The OpenTelemetry instance spans and metrics go to, for spans of your own. */
  public OpenTelemetry openTelemetry() {
    return telemetry.openTelemetry();
  }

  /**
   * The traced transport that {@link #client()} sends on and consumers receive from, for hosts that
   * expose it (the Spring Boot starter's {@code Transport} bean). Closed by {@link #close()} when
   * the runtime created it.
   */
  public Transport transport() {
    return transport;
  }

  /** The broker connection's and every started consumer's state, as the health endpoint sees it. */
  public JobRuntimeHealth health() {
    return JobRuntimeHealth.of(status());
  }

  /**
   * Starts consuming with {@code consumers} and returns at once; they run until {@link #close()}.
   *
   * @throws IllegalStateException when the runtime is closed
   */
  public void start(JobConsumer<?>... consumers) {
    synchronized (lock) {
      if (closing) {
        throw new IllegalStateException("the job runtime is closed; build a new one");
      }
      if (dispatcher == null) {
        // Consumers' own shutdown timeouts must not outlast the runtime's (the default is 30 s).
        Transport capped =
            new ShutdownCappedTransport(
                transport, ShutdownCappedTransport.handlerTimeout(shutdownTimeout));
        dispatcher = Dispatcher.builder(capped).setClient(client).build();
      }
      for (JobConsumer<?> consumer : consumers) {
        dispatcher.start(Objects.requireNonNull(consumer, "consumer"));
      }
    }
  }

  /**
   * Starts {@code consumers}, blocks until SIGTERM, SIGINT or {@link #close()}, then stops taking
   * messages, lets running handlers finish and closes the broker connection (within {@code
   * JOB_SHUTDOWN_TIMEOUT}), flushes telemetry (within {@code JOB_TELEMETRY_FLUSH_TIMEOUT}) and
   * returns. The runtime is closed afterwards.
   *
   * @return {@value #EXIT_OK}, or {@value #EXIT_FAILURE} when handlers were still running at the
   *     deadline (their messages will be redelivered)
   */
  public int run(JobConsumer<?>... consumers) {
    start(consumers);
    log.info(
        "running {} consumer(s); SIGTERM or SIGINT drains them within {} ms",
        consumers.length,
        shutdownTimeout.toMillis());
    Signals signals = Signals.onTermination(stopRequested::countDown);
    try {
      stopRequested.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      signals.close();
    }
    return shutdown() ? EXIT_OK : EXIT_FAILURE;
  }

  /**
   * Runs one scheduled job in a new root trace, even when a span is current: an INTERNAL span named
   * {@code jobName} with {@code job.name} and {@code faas.trigger=timer}; messages the job sends
   * through its context's client are its children. Telemetry is flushed before returning, and a
   * flush that failed is logged. Never calls {@code System.exit}.
   *
   * @return {@value #EXIT_OK} when the job returned, {@value #EXIT_FAILURE} when it threw (the span
   *     is then marked ERROR with the exception)
   */
  public int runScheduled(String jobName, ScheduledJob job) {
    Objects.requireNonNull(jobName, "jobName");
    Objects.requireNonNull(job, "job");
    if (jobName.isBlank()) {
      throw new IllegalArgumentException("jobName must not be blank");
    }
    synchronized (lock) {
      if (closing) {
        throw new IllegalStateException("the job runtime is closed; build a new one");
      }
    }
    int exitCode = ScheduledRun.run(tracer, client, jobName, job);
    telemetryShutdown.flush();
    return exitCode;
  }

  /**
   * Whether the broker connection works and every consumer started is running; what the health
   * endpoint reports.
   */
  public boolean isHealthy() {
    return status().isUp();
  }

  /** The health endpoint's port, when there is one. */
  java.util.OptionalInt healthPort() {
    return health == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(health.port());
  }

  /** The shutdown line's span counts so far. */
  String telemetrySummary() {
    return telemetry.summary();
  }

  /** The queues consumed now, for the depth gauges. */
  List<String> consumedQueues() {
    synchronized (lock) {
      return dispatcher == null
          ? List.of()
          : dispatcher.subscriptions().stream().map(Subscription::queue).toList();
    }
  }

  /** The depth gauges, when the transport reports depths and they are not turned off. */
  @Nullable DepthGauges depthGauges() {
    return depth;
  }

  HealthServer.Status status() {
    List<Subscription> subscriptions;
    boolean stopping;
    synchronized (lock) {
      subscriptions = dispatcher == null ? List.of() : dispatcher.subscriptions();
      stopping = closing;
    }
    List<HealthServer.Consumer> consumers = new ArrayList<>(subscriptions.size());
    boolean running = true;
    for (Subscription s : subscriptions) {
      consumers.add(new HealthServer.Consumer(s.queue(), s.isRunning()));
      running &= s.isRunning();
    }
    boolean brokerHealthy = transport.isHealthy();
    String state = stopping ? "STOPPING" : brokerHealthy && running ? "UP" : "DOWN";
    return new HealthServer.Status(state, transport.system(), brokerHealthy, consumers);
  }

  /**
   * Stops: consumers drain (up to the shutdown timeout), the broker connection closes (unless it
   * was passed in), telemetry is flushed and, unless passed in, shut down. Also wakes {@link #run}.
   * Idempotent; a second caller waits for the first.
   */
  @Override
  public void close() {
    shutdown();
  }

  private boolean shutdown() {
    stopRequested.countDown();
    boolean mine;
    synchronized (lock) {
      mine = !closing;
      closing = true;
    }
    if (mine) {
      boolean ok = false;
      try {
        ok = closeInOrder();
      } finally {
        closed.complete(ok);
      }
      return ok;
    }
    try {
      long wait = shutdownTimeout.plus(telemetryShutdown.budget()).toMillis() * 2;
      return closed.get(wait, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }

  private boolean closeInOrder() {
    Dispatcher d;
    synchronized (lock) {
      d = dispatcher;
    }
    if (depth != null) {
      depth.close(); // before the broker connection closes
    }
    consumerMetrics.close();
    boolean ok =
        OrderedShutdown.run(
            shutdownTimeout, d, ownsTransport ? transport : null, telemetryShutdown, health);
    logExport.close(); // after the flush: the shutdown's own log lines went out too
    if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down: the hook will find us closed
      }
    }
    return ok;
  }
}
