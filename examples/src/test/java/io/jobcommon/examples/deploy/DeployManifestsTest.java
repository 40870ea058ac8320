package io.jobcommon.examples.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes, ECS, Collector and Vector files of deploy/ parse and say what a worker needs:
 * probes on the health port, resources, a grace period longer than the worst-case stop, secrets by
 * reference, OTLP in on 4317/4318 and out to a backend, and the Prometheus port the runtime uses.
 */
class DeployManifestsTest {
  /**
   * SIGTERM to exit takes at most JOB_SHUTDOWN_TIMEOUT (drain and broker close) plus
   * JOB_TELEMETRY_FLUSH_TIMEOUT; this is the margin kept for the JVM's own exit.
   */
  static final Duration EXIT_MARGIN = Duration.ofSeconds(3);

  /** The telemetry flush budget when JOB_TELEMETRY_FLUSH_TIMEOUT is not set. */
  static final Duration DEFAULT_FLUSH = Duration.ofSeconds(5);

  static final int HEALTH_PORT = 8081;
  static final int PROMETHEUS_PORT = 9464;

  @Test
  void theDeploymentProbesHealthHasResourcesAndOutlastsTheShutdown() throws Exception {
    JsonNode deployment = Repo.yaml("deploy/kubernetes/worker-deployment.yaml");
    assertThat(deployment.path("kind").asText()).isEqualTo("Deployment");
    JsonNode pod = deployment.path("spec").path("template").path("spec");
    JsonNode container = pod.path("containers").get(0);
    Map<String, JsonNode> env = env(container.path("env"));

    assertThat(env.get("JOB_HEALTH_PORT").path("value").asInt()).isEqualTo(HEALTH_PORT);
    assertThat(ports(container)).containsEntry("health", HEALTH_PORT);
    assertThat(ports(container)).containsEntry("metrics", PROMETHEUS_PORT);
    for (String[] probe :
        new String[][] {{"livenessProbe", "/health/live"}, {"readinessProbe", "/health/ready"}}) {
      JsonNode get = container.path(probe[0]).path("httpGet");
      assertThat(get.path("path").asText()).as(probe[0]).isEqualTo(probe[1]);
      assertThat(get.path("port").asText()).as(probe[0]).isEqualTo("health");
    }
    assertThat(container.path("resources").path("requests").path("memory").asText()).isNotEmpty();
    assertThat(container.path("resources").path("limits").path("memory").asText()).isNotEmpty();
    assertThat(env.get("RABBITMQ_URL").path("valueFrom").path("secretKeyRef").path("name").asText())
        .isEqualTo("rabbitmq");
    assertThat(env.get("OTEL_METRICS_EXPORTER").path("value").asText()).isEqualTo("prometheus");
    assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
    assertOutlastsShutdown(pod.path("terminationGracePeriodSeconds").asInt(), env, true);
    JsonNode annotations =
        deployment.path("spec").path("template").path("metadata").path("annotations");
    assertThat(annotations.path("prometheus.io/port").asText())
        .isEqualTo(String.valueOf(PROMETHEUS_PORT));
  }

  @Test
  void theCronJobRunsOnceWithoutRestartAndReadsTheSameSecret() throws Exception {
    JsonNode cron = Repo.yaml("deploy/kubernetes/cronjob.yaml");
    assertThat(cron.path("kind").asText()).isEqualTo("CronJob");
    assertThat(cron.path("spec").path("schedule").asText()).matches("\\S+( \\S+){4}");
    JsonNode pod = cron.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
    assertThat(pod.path("restartPolicy").asText()).isEqualTo("Never");
    Map<String, JsonNode> env = env(pod.path("containers").get(0).path("env"));
    assertThat(env.get("RABBITMQ_URL").path("valueFrom").path("secretKeyRef").path("key").asText())
        .isEqualTo("url");
    assertOutlastsShutdown(pod.path("terminationGracePeriodSeconds").asInt(), env, false);
    JsonNode secret = Repo.yaml("deploy/kubernetes/rabbitmq-secret.example.yaml");
    assertThat(secret.path("kind").asText()).isEqualTo("Secret");
    assertThat(secret.path("metadata").path("name").asText()).isEqualTo("rabbitmq");
    assertThat(secret.path("stringData").has("url")).isTrue();
  }

  @Test
  void theEcsTaskStopsWithinItsStopTimeoutAndShipsTelemetryThroughTheVectorSidecar()
      throws Exception {
    JsonNode task = Repo.json("deploy/ecs/task-definition.json");
    assertThat(task.path("taskRoleArn").asText()).startsWith("arn:aws:iam::");
    Map<String, JsonNode> containers = new HashMap<>();
    task.path("containerDefinitions").forEach(c -> containers.put(c.path("name").asText(), c));
    JsonNode worker = containers.get("worker");
    JsonNode vector = containers.get("vector");
    assertThat(worker).isNotNull();
    assertThat(vector).isNotNull();
    Map<String, JsonNode> env = env(worker.path("environment"));
    assertThat(env).doesNotContainKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
    assertThat(env.get("OTEL_EXPORTER_OTLP_ENDPOINT").path("value").asText())
        .isEqualTo("http://localhost:4318");
    assertOutlastsShutdown(worker.path("stopTimeout").asInt(), env, true);
    assertThat(worker.path("stopTimeout").asInt()).isLessThanOrEqualTo(120); // ECS's maximum
    // The sidecar starts first and, as a dependency, stops after the worker flushed to it.
    assertThat(worker.path("dependsOn").get(0).path("containerName").asText()).isEqualTo("vector");
    assertThat(vector.path("stopTimeout").asInt())
        .isGreaterThanOrEqualTo(worker.path("stopTimeout").asInt());
    Set<Integer> vectorPorts = new HashSet<>();
    vector.path("portMappings").forEach(p -> vectorPorts.add(p.path("containerPort").asInt()));
    assertThat(vectorPorts).contains(4317, 4318);
    worker
        .path("secrets")
        .forEach(s -> assertThat(s.path("valueFrom").asText()).startsWith("arn:aws:"));
  }

  @Test
  void theCollectorReceivesOtlpOn4317And4318BatchesAndExportsOtlp() throws Exception {
    JsonNode config = Repo.yaml("deploy/otel-collector/config.yaml");
    JsonNode otlp = config.path("receivers").path("otlp").path("protocols");
    assertThat(otlp.path("grpc").path("endpoint").asText()).endsWith(":4317");
    assertThat(otlp.path("http").path("endpoint").asText()).endsWith(":4318");
    assertThat(config.path("processors").has("batch")).isTrue();
    JsonNode traces = config.path("service").path("pipelines").path("traces");
    assertThat(traces.path("receivers").toString()).contains("\"otlp\"");
    assertThat(traces.path("processors").toString()).contains("\"batch\"");
    for (JsonNode pipeline : config.path("service").path("pipelines")) {
      for (String kind : new String[] {"receivers", "processors", "exporters"}) {
        for (JsonNode name : pipeline.path(kind)) {
          assertThat(config.path(kind).has(name.asText())).as(kind + " " + name).isTrue();
        }
      }
      for (JsonNode exporter : pipeline.path("exporters")) {
        assertThat(exporter.asText()).startsWith("otlp");
      }
    }
  }

  @Test
  void vectorTakesOtlpAndTheWorkersPrometheusPortAndEverySinkHasItsInputs() throws Exception {
    JsonNode config = Repo.yaml("deploy/ecs/vector.yaml");
    JsonNode sources = config.path("sources");
    JsonNode otlp = sources.path("otlp");
    assertThat(otlp.path("type").asText()).isEqualTo("opentelemetry");
    assertThat(otlp.path("grpc").path("address").asText()).endsWith(":4317");
    assertThat(otlp.path("http").path("address").asText()).endsWith(":4318");
    assertThat(sources.path("worker_metrics").path("endpoints").get(0).asText())
        .isEqualTo("http://localhost:" + PROMETHEUS_PORT + "/metrics");
    for (JsonNode sink : config.path("sinks")) {
      assertThat(sink.path("inputs")).isNotEmpty();
      for (JsonNode input : sink.path("inputs")) {
        String source = input.asText().replaceFirst("\\.(traces|logs|metrics)$", "");
        assertThat(sources.has(source)).as("input " + input).isTrue();
      }
    }
    assertThat(config.path("sinks").path("traces").path("type").asText())
        .isEqualTo("opentelemetry");
  }

  private static void assertOutlastsShutdown(
      int graceSeconds, Map<String, JsonNode> env, boolean drains) {
    Duration drain =
        drains
            ? Repo.duration(env.get("JOB_SHUTDOWN_TIMEOUT").path("value").asText())
            : Duration.ZERO;
    JsonNode flushVar = env.get("JOB_TELEMETRY_FLUSH_TIMEOUT");
    Duration flush =
        flushVar == null ? DEFAULT_FLUSH : Repo.duration(flushVar.path("value").asText());
    Duration worstCase = drain.plus(flush).plus(EXIT_MARGIN);
    assertThat(Duration.ofSeconds(graceSeconds))
        .as("grace period vs shutdown %s + flush %s + margin %s", drain, flush, EXIT_MARGIN)
        .isGreaterThan(worstCase);
  }

  private static Map<String, JsonNode> env(JsonNode list) {
    Map<String, JsonNode> env = new HashMap<>();
    list.forEach(e -> env.put(e.path("name").asText(), e));
    return env;
  }

  private static Map<String, Integer> ports(JsonNode container) {
    Map<String, Integer> ports = new HashMap<>();
    container
        .path("ports")
        .forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
    return ports;
  }
}
