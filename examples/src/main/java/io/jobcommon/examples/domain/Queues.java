package io.jobcommon.examples.domain;

import java.util.List;
import java.util.Objects;

/**
 * The queues the examples use. {@link #DEFAULT} names them {@code sbom-process-queue}, {@code
 * component-process-queue} and {@code vulnerability-match-queue}; {@link #withSuffix} gives a
 * private set, for tests and demo runs on a shared broker. Immutable.
 *
 * @param sbomProcess where the API service sends {@link SbomUploaded}
 * @param componentProcess where the SBOM job sends {@link ComponentBatch}
 * @param vulnerabilityMatch where the daily cron job sends {@link MatchRequest}
 */
public record Queues(String sbomProcess, String componentProcess, String vulnerabilityMatch) {
  /** The names used in production. */
  public static final Queues DEFAULT =
      new Queues("sbom-process-queue", "component-process-queue", "vulnerability-match-queue");

  public Queues {
    Objects.requireNonNull(sbomProcess, "sbomProcess");
    Objects.requireNonNull(componentProcess, "componentProcess");
    Objects.requireNonNull(vulnerabilityMatch, "vulnerabilityMatch");
  }

  /** These names followed by {@code suffix}, such as {@code sbom-process-queue-7f3a}. */
  public Queues withSuffix(String suffix) {
    return new Queues(sbomProcess + suffix, componentProcess + suffix, vulnerabilityMatch + suffix);
  }

  /** Every queue name. */
  public List<String> all() {
    return List.of(sbomProcess, componentProcess, vulnerabilityMatch);
  }
}
