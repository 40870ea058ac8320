package io.jobcommon.examples.domain;

import java.time.LocalDate;
import java.util.Objects;

/**
 * Sent by the daily cron job to {@code vulnerability-match-queue}: match one organisation's
 * components against the vulnerabilities published up to {@code day}. Immutable.
 *
 * @param orgId the organisation
 * @param day the day of the run
 */
public record MatchRequest(String orgId, LocalDate day) {
  public MatchRequest {
    Objects.requireNonNull(orgId, "orgId");
    Objects.requireNonNull(day, "day");
  }
}
