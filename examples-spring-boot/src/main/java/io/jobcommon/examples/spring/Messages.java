package io.jobcommon.examples.spring;

/** The example's payloads, JSON on the wire. */
final class Messages {
  private Messages() {}

  /** An SBOM was uploaded. */
  record SbomUploaded(String sbomId, String orgId) {}

  /** A batch of an SBOM's components to analyse. */
  record ComponentBatch(String sbomId, int components) {}

  /** Match an organisation's components against new vulnerabilities. */
  record MatchRequest(String orgId) {}
}
