package io.jobcommon.examples.spring;

import io.jobcommon.examples.spring.Messages.MatchRequest;
import io.jobcommon.job.JobRuntime;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** The scheduled job: every run is a new root trace, whatever span the scheduler thread carries. */
// snippet:start spring-scheduled
@Component
class DailyVulnMatch {
  private final JobRuntime runtime;
  private final String queue;
  private final List<String> orgs;

  DailyVulnMatch(
      JobRuntime runtime,
      @Value("${example.queues.vuln-match}") String queue,
      @Value("${example.orgs}") List<String> orgs) {
    this.runtime = runtime;
    this.queue = queue;
    this.orgs = orgs;
  }

  @Scheduled(cron = "${example.vuln-match.cron}")
  void run() {
    runtime.runScheduled(
        "daily-vuln-match",
        ctx -> {
          for (String org : orgs) {
            ctx.client().send(queue, new MatchRequest(org));
          }
        });
  }
}
// snippet:end spring-scheduled
