/**
 * The SBOM jobs: {@link io.jobcommon.examples.sbom.SbomProcessJob} ({@code job-sbom-process})
 * splits an uploaded SBOM into component batches, {@link
 * io.jobcommon.examples.sbom.ComponentProcessJob} ({@code job-component-process}) checks each batch
 * against known vulnerabilities. Each has a {@code main} that runs it from the environment.
 */
@NullMarked
package io.jobcommon.examples.sbom;

import org.jspecify.annotations.NullMarked;
