package io.jobcommon.examples.vulnmatch;

import io.jobcommon.examples.domain.MatchRequest;
import io.jobcommon.examples.domain.Queues;
import io.jobcommon.job.JobRuntime;
import io.jobcommon.job.ScheduledJob;
import io.jobcommon.job.ScheduledJobContext;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code job-daily-vuln-match}: the cron entry point (an ECS scheduled task, a Kubernetes {@code
 * CronJob}). Each run is a new trace whose root is the run; the one {@link MatchRequest} per
 * organisation it sends to {@code vulnerability-match-queue} are children of that root. Immutable
 * and thread-safe.
 */
public final class DailyVulnMatch implements ScheduledJob {
  private static final Logger log = LoggerFactory.getLogger(DailyVulnMatch.class);

  /** The job's name: its root span's name and {@code job.name}. */
  public static final String NAME = "daily-vuln-match";

  private final List<String> orgs;
  private final String queue;
  private final Clock clock;

  /** Matches {@code orgs} for today (UTC) on the default queue. */
  public DailyVulnMatch(List<String> orgs) {
    this(orgs, Queues.DEFAULT, Clock.systemUTC());
  }

  /**
   * Matches {@code orgs} for the day {@code clock} says, on {@code queues.vulnerabilityMatch()}.
   */
  public DailyVulnMatch(List<String> orgs, Queues queues, Clock clock) {
    this.orgs = List.copyOf(orgs);
    this.queue = queues.vulnerabilityMatch();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * One run from the environment: the organisations in {@code VULN_MATCH_ORGS} (comma-separated; a
   * real job reads them from its database). Exits 0, or 1 when the run failed.
   */
  // snippet:start cron
  public static void main(String[] args) {
    List<String> orgs = orgs(System.getenv().getOrDefault("VULN_MATCH_ORGS", "acme,globex"));
    System.exit(JobRuntime.launch(runtime -> runtime.runScheduled(NAME, new DailyVulnMatch(orgs))));
  }

  @Override
  public void run(ScheduledJobContext ctx) {
    LocalDate day = LocalDate.now(clock);
    for (String org : orgs) {
      ctx.client().send(queue, new MatchRequest(org, day)); // a child of this run's root span
    }
    log.info("{}: {} organisations queued for {}", ctx.jobName(), orgs.size(), day);
  }

  // snippet:end cron

  static List<String> orgs(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .toList();
  }
}
