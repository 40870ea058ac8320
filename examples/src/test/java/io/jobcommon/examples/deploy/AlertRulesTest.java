package io.jobcommon.examples.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobcommon.job.Promtool;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * deploy/prometheus's rules pass {@code promtool check rules} and their unit tests ({@code promtool
 * test rules}): each alert fires on the series it is meant for, after its {@code for}, and not on
 * the healthy ones next to it.
 */
class AlertRulesTest {
  static final String RULES = "deploy/prometheus/jobcommon-rules.yml";
  static final String RULE_TESTS = "deploy/prometheus/jobcommon-rules.test.yml";

  @Test
  void promtoolAcceptsTheRules() throws Exception {
    assumeTrue(Promtool.available(), Promtool.MISSING);
    Promtool.Result result =
        Promtool.run(Repo.root(), null, "check", "rules", Repo.file(RULES).toString());
    System.out.println(result.output());
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  @Test
  void theAlertUnitTestsPass() throws Exception {
    assumeTrue(Promtool.available(), Promtool.MISSING);
    Promtool.Result result =
        Promtool.run(
            Repo.file(RULE_TESTS).getParent(),
            null,
            "test",
            "rules",
            Repo.file(RULE_TESTS).getFileName().toString());
    System.out.println(result.output());
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  @Test
  void everyRequiredAlertIsDefinedAndUnitTested() throws Exception {
    List<String> alerts = new ArrayList<>();
    for (JsonNode group : Repo.yaml(RULES).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has("alert")) {
          alerts.add(rule.path("alert").asText());
          assertThat(rule.path("labels").path("severity").asText()).isNotEmpty();
          assertThat(rule.path("annotations").path("summary").asText()).isNotEmpty();
        }
      }
    }
    assertThat(alerts)
        .containsExactlyInAnyOrder(
            "JobCommonSpanDropRatioHigh",
            "JobCommonSpanExportFailing",
            "JobCommonDeadLetterQueueNotEmpty",
            "JobCommonConsumerNotRunning",
            "JobCommonQueueLagHigh");
    List<String> tested = new ArrayList<>();
    for (JsonNode test : Repo.yaml(RULE_TESTS).path("tests")) {
      for (JsonNode alertTest : test.path("alert_rule_test")) {
        if (!alertTest.path("exp_alerts").isEmpty()) {
          tested.add(alertTest.path("alertname").asText());
        }
      }
    }
    assertThat(tested).as("alerts with a firing unit test").containsAll(alerts);
  }
}
