package io.jobcommon.job;

/**
 * The body of a cron entry point, run by {@link JobRuntime#runScheduled(String, ScheduledJob)}
 * inside a fresh root span. Return to succeed (exit code 0); throw to fail the run (exit code 1,
 * the span marked ERROR).
 *
 * <pre>{@code
 * System.exit(JobRuntime.launch(runtime -> runtime.runScheduled("daily-vuln-match", ctx -> {
 *   for (String org : orgs()) ctx.client().send("vulnerability-match-queue", new MatchRequest(org, LocalDate.now()));
 * })));
 * }</pre>
 *
 * <p>Called once per run, on the caller's thread.
 */
@FunctionalInterface
public interface ScheduledJob {

  /**
   * Does the job's work.
   *
   * @param ctx the run's name, its trace and a client whose sends continue the run's trace
   * @throws Exception to fail the run
   */
  void run(ScheduledJobContext ctx) throws Exception;
}
