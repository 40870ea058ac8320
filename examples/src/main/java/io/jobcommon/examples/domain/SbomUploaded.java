package io.jobcommon.examples.domain;

import java.util.List;
import java.util.Objects;

/**
 * Sent by the API service to {@code sbom-process-queue} when an organisation uploads an SBOM.
 * Immutable; the list is copied.
 *
 * @param sbomId the id the API gave the upload
 * @param orgId the organisation that uploaded it
 * @param components the components the SBOM lists
 */
public record SbomUploaded(String sbomId, String orgId, List<Component> components) {
  public SbomUploaded {
    Objects.requireNonNull(sbomId, "sbomId");
    Objects.requireNonNull(orgId, "orgId");
    components = List.copyOf(components);
  }
}
