package io.jobcommon.messaging.admin;

/**
 * What a redrive did. Immutable.
 *
 * @param queue the dead-letter queue
 * @param examined dead letters looked at
 * @param moved moved to their original queue (or, in a dry run, that would have been)
 * @param skipped left in place because the filter did not match
 * @param skippedRedriven of those, left because they had been redriven before
 * @param failed could not be moved (left in place)
 * @param dryRun whether nothing was actually moved
 */
public record RedriveReport(
    String queue,
    int examined,
    int moved,
    int skipped,
    int skippedRedriven,
    int failed,
    boolean dryRun) {

  /** Whether every matching dead letter was moved. */
  public boolean succeeded() {
    return failed == 0;
  }
}
