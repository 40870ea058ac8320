package io.jobcommon.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code OTEL_METRICS_EXPORTER=prometheus} out of the box: the exporter is on the classpath, the
 * endpoint listens on every interface, and Prometheus's own {@code promtool} accepts what a worker
 * that processed real messages exposes, with the SDK's metric names in it.
 */
class PrometheusExpositionTest {

  @Test
  void aRunningWorkerIsScrapedOnEveryInterfaceAndPromtoolAcceptsTheExposition() throws Exception {
    assumeTrue(Promtool.available(), Promtool.MISSING);
    // 127.0.0.2 reaches only a socket bound to every interface (0.0.0.0), not one on localhost.
    PrometheusScrape.Exposition scraped = PrometheusScrape.run("127.0.0.2");

    Promtool.Result check = Promtool.run(Path.of("."), scraped.text(), "check", "metrics");
    // Exit 1 is a format error; 3 means lint findings only. The one finding allowed is about the
    // exporter's own resource metric (target_info has no # HELP line in OpenTelemetry's exporter):
    // every metric of the SDK and of the OpenTelemetry SDK must pass the lint.
    assertThat(check.exitCode()).as(check.output()).isIn(0, 3);
    assertThat(check.output().lines().filter(l -> !l.equals("target_info no help text")))
        .as("promtool check metrics findings")
        .isEmpty();
    assertThat(scraped.families())
        .contains(
            "messaging_client_operation_duration_seconds",
            "messaging_process_duration_seconds",
            "messaging_client_sent_messages_total",
            "messaging_client_consumed_messages_total",
            "jc_messages_retried_total",
            "jc_messages_dead_lettered_total",
            "jc_consumer_running",
            "otel_sdk_span_started_total",
            "otel_sdk_processor_span_processed_span_total",
            "otel_sdk_processor_span_queue_size_span",
            "otel_sdk_exporter_span_exported_total");
    assertThat(scraped.text())
        .contains("service_name=\"job-scraped\"")
        .containsPattern(
            "(?m)^jc_consumer_running\\{.*messaging_destination_name=\"scraped-queue\".*\\} 1(\\.0)?$");
  }

  @Test
  void otlpAndPrometheusTogetherPushAndServeTheSameMetrics() throws Exception {
    PrometheusScrape.Exposition scraped = PrometheusScrape.run("127.0.0.1", "otlp,prometheus");

    assertThat(scraped.families())
        .contains("jc_messages_dead_lettered_total", "jc_consumer_running");
    assertThat(scraped.otlpMetrics())
        .contains("jc.messages.dead_lettered", "jc.consumer.running", "messaging.process.duration");
  }
}
