package io.jobcommon.examples.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobcommon.job.PrometheusScrape;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every metric the Grafana dashboard and the alert rules read is one a running worker really
 * exposes: the names are checked against a scrape of a worker that processed, retried and
 * dead-lettered messages, not against a list.
 */
class DashboardTest {
  static final String DASHBOARD = "deploy/grafana/job-common-dashboard.json";

  static PrometheusScrape.Exposition scraped;

  @BeforeAll
  static void scrapeAWorker() throws Exception {
    scraped = PrometheusScrape.run("127.0.0.1");
  }

  @Test
  void everyDashboardQueryReadsMetricsTheSdkExposes() throws Exception {
    JsonNode dashboard = Repo.json(DASHBOARD);
    Set<String> used = new TreeSet<>();
    int queries = 0;
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
      for (JsonNode target : panel.path("targets")) {
        Set<String> names = PromQl.metricNames(target.path("expr").asText());
        assertThat(names).as(target.path("expr").asText()).isNotEmpty();
        used.addAll(names);
        queries++;
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      // label_values(metric, label): the metric is the first argument.
      String definition = variable.path("definition").asText();
      if (definition.startsWith("label_values(")) {
        used.add(definition.substring("label_values(".length(), definition.indexOf(',')).trim());
      }
    }
    System.out.printf("dashboard: %d queries read %s%n", queries, used);
    assertThat(scraped.sampleNames()).containsAll(used);
    assertThat(used).hasSizeGreaterThanOrEqualTo(10);
  }

  @Test
  void theAlertRulesReadMetricsTheSdkExposes() throws Exception {
    Set<String> recorded = new TreeSet<>();
    Set<String> read = new TreeSet<>();
    for (JsonNode group : Repo.yaml(AlertRulesTest.RULES).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has("record")) {
          recorded.add(rule.path("record").asText());
        }
        read.addAll(PromQl.metricNames(rule.path("expr").asText()));
      }
    }
    read.removeAll(recorded);
    System.out.printf("alert rules read %s%n", read);
    assertThat(read).isNotEmpty();
    assertThat(scraped.sampleNames()).containsAll(read);
  }

  @Test
  void theParserFindsMetricNamesAndNothingElse() {
    assertThat(
            PromQl.metricNames(
                "histogram_quantile(0.95, sum by (le, job) (rate(a_seconds_bucket{job=~\"$job\","
                    + "error_type!=\"\"}[$__rate_interval]))) / on (job) b_total or c offset 5m"))
        .containsExactlyInAnyOrder("a_seconds_bucket", "b_total", "c");
  }
}
