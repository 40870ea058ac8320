package io.jobcommon.examples.domain;

import java.util.List;
import java.util.Objects;

/**
 * Sent by the SBOM job to {@code component-process-queue}: a slice of one SBOM's components to
 * check. Immutable; the list is copied.
 *
 * @param sbomId the SBOM the components come from
 * @param orgId the organisation that owns it
 * @param components the components of this slice
 */
public record ComponentBatch(String sbomId, String orgId, List<Component> components) {
  public ComponentBatch {
    Objects.requireNonNull(sbomId, "sbomId");
    Objects.requireNonNull(orgId, "orgId");
    components = List.copyOf(components);
  }
}
