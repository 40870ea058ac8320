package io.jobcommon.examples.demo;

import io.jobcommon.examples.api.ApiService;
import io.jobcommon.examples.domain.Queues;
import io.jobcommon.examples.sbom.ComponentProcessJob;
import io.jobcommon.examples.sbom.SbomProcessJob;
import io.jobcommon.examples.vulnmatch.DailyVulnMatch;
import io.jobcommon.examples.vulnmatch.VulnerabilityMatchJob;
import io.jobcommon.job.JobRuntime;
import io.jobcommon.messaging.MessagingException;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo: every example in one process, each role with its own {@code service.name}, on an
 * embedded SQS (default) or RabbitMQ ({@code --broker rabbitmq}, at {@code RABBITMQ_URL} or
 * 127.0.0.1:5672). A simulated browser uploads an SBOM to the API service (a trace starts in the
 * browser), the SBOM job fans it out to the component job, the daily cron job runs once (a trace of
 * its own); when every message has been processed the traces are printed as waterfalls with a
 * summary line. Spans also go over OTLP when {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set.
 *
 * <p>Exit code 0 when the upload was accepted, the cron run succeeded, all work finished and every
 * trace is connected; 1 otherwise; 2 for a bad argument or an unreachable broker.
 */
public final class Demo {
  static final Duration WORK_TIMEOUT = Duration.ofSeconds(15);
  static final List<String> ORGS = List.of("acme", "globex");

  /** What the browser uploads: a CycloneDX SBOM with three components, one of them vulnerable. */
  static final String SBOM =
      "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":["
          + "{\"type\":\"library\",\"name\":\"log4j-core\",\"version\":\"2.14.1\"},"
          + "{\"type\":\"library\",\"name\":\"slf4j-api\",\"version\":\"2.0.17\"},"
          + "{\"type\":\"library\",\"name\":\"commons-text\",\"version\":\"1.9\"}]}";

  private Demo() {}

  /** {@code java -jar examples/target/demo.jar [--broker sqs|rabbitmq]}. */
  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out));
  }

  /** Runs the demo; returns its exit code. */
  static int run(String[] args, Map<String, String> env, PrintStream out) {
    String broker = "sqs";
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--broker") && i + 1 < args.length) {
        broker = args[++i];
      } else if (args[i].startsWith("--broker=")) {
        broker = args[i].substring("--broker=".length());
      } else {
        out.println("usage: demo [--broker sqs|rabbitmq]   (unknown argument: " + args[i] + ")");
        return 2;
      }
    }
    if (!broker.equals("sqs") && !broker.equals("rabbitmq")) {
      out.println("--broker must be sqs or rabbitmq, was '" + broker + "'");
      return 2;
    }
    SpanCollector collector = new SpanCollector();
    RoleTelemetry telemetry;
    try {
      telemetry = new RoleTelemetry(collector, env);
    } catch (IllegalArgumentException e) {
      out.println(e.getMessage());
      return 2;
    }
    long started = System.nanoTime();
    boolean workDone;
    // Starting the embedded broker takes seconds on a small machine: say so before, not after.
    out.println(
        broker.equals("sqs")
            ? "starting an embedded SQS (ElasticMQ) in this JVM..."
            : "connecting to RabbitMQ...");
    out.flush();
    try (DemoBroker demoBroker =
        broker.equals("sqs")
            ? DemoBroker.embeddedSqs()
            : DemoBroker.rabbitMq(env.get("RABBITMQ_URL"))) {
      out.printf(
          "broker: %s (ready after %.1f s)%n",
          demoBroker.name(), (System.nanoTime() - started) / 1e9);
      out.println(
          "starting api-service, job-sbom-process, job-component-process, job-vuln-match and"
              + " job-daily-vuln-match...");
      out.flush();
      if (telemetry.otlpEndpoint() != null) {
        out.println("OTLP: spans also go to " + telemetry.otlpEndpoint());
      }
      workDone = runRoles(demoBroker, telemetry, collector, out);
    } catch (MessagingException e) {
      out.println("cannot use the broker: " + e.getMessage());
      telemetry.shutdown();
      return 2;
    }
    if (!telemetry.shutdown()) {
      out.println("warning: not every span could be exported to " + telemetry.otlpEndpoint());
    }
    List<SpanData> spans = collector.spans();
    out.println();
    TraceWaterfall.print(spans, out);
    TraceCheck.Result result = TraceCheck.check(spans);
    out.printf("finished in %.1f s%n", (System.nanoTime() - started) / 1e9);
    out.println(result.summary());
    return workDone && result.connected() ? 0 : 1;
  }

  /**
   * Starts every role, makes the request, runs the cron job, waits for the work; true if it all
   * went well.
   */
  private static boolean runRoles(
      DemoBroker broker, RoleTelemetry telemetry, SpanCollector collector, PrintStream out) {
    Queues queues = broker.queues();
    List<JobRuntime> runtimes = new ArrayList<>();
    try {
      JobRuntime api = role("api-service", broker, telemetry, runtimes);
      role("job-sbom-process", broker, telemetry, runtimes).start(new SbomProcessJob(queues));
      role("job-component-process", broker, telemetry, runtimes)
          .start(new ComponentProcessJob(queues));
      role("job-vuln-match", broker, telemetry, runtimes).start(new VulnerabilityMatchJob(queues));
      JobRuntime cron = role("job-daily-vuln-match", broker, telemetry, runtimes);
      int status;
      try (ApiService service =
          ApiService.start(
              api.client(),
              api.openTelemetry(),
              new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
              queues)) {
        out.println("web-app: uploading an SBOM for " + ORGS.get(0) + "...");
        out.flush();
        WebApp web = new WebApp(telemetry.forService("web-app"));
        HttpResponse<String> response = web.upload(service.uploadUri(), ORGS.get(0), SBOM);
        status = response.statusCode();
        out.println(
            "web-app: POST " + ApiService.UPLOAD_PATH + " -> " + status + " " + response.body());
      }
      int cronExit =
          cron.runScheduled(
              DailyVulnMatch.NAME, new DailyVulnMatch(ORGS, queues, Clock.systemUTC()));
      out.println("job-daily-vuln-match: exit code " + cronExit);
      out.println(
          "waiting for every message to be processed (up to "
              + WORK_TIMEOUT.toSeconds()
              + " s)...");
      out.flush();
      boolean processed = collector.await(TraceCheck::allMessagesProcessed, WORK_TIMEOUT);
      if (!processed) {
        out.println("not every message was processed within " + WORK_TIMEOUT.toSeconds() + " s");
      }
      return status == 202 && cronExit == 0 && processed;
    } catch (java.io.IOException e) {
      out.println("the upload request failed: " + e);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      closeAll(runtimes);
    }
  }

  private static JobRuntime role(
      String service, DemoBroker broker, RoleTelemetry telemetry, List<JobRuntime> runtimes) {
    Map<String, String> env = new HashMap<>(broker.environment());
    env.put("SERVICE_NAME", service);
    JobRuntime runtime =
        JobRuntime.builder()
            .setEnvironment(env) // only what a deployment of this role would set
            .setOpenTelemetry(telemetry.forService(service))
            .setShutdownTimeout(Duration.ofSeconds(5))
            .build();
    runtimes.add(runtime);
    return runtime;
  }

  /**
   * Closes the runtimes side by side: each drains its consumers and closes its broker connection.
   */
  private static void closeAll(List<JobRuntime> runtimes) {
    List<Thread> closers = new ArrayList<>();
    for (JobRuntime runtime : runtimes) {
      Thread t = new Thread(runtime::close, "demo-close");
      t.start();
      closers.add(t);
    }
    for (Thread t : closers) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
