/**
 * The daily vulnerability match: {@link io.jobcommon.examples.vulnmatch.DailyVulnMatch} ({@code
 * job-daily-vuln-match}), a cron entry point that starts a fresh trace and sends one {@link
 * io.jobcommon.examples.domain.MatchRequest} per organisation, and {@link
 * io.jobcommon.examples.vulnmatch.VulnerabilityMatchJob} ({@code job-vuln-match}), which handles
 * them.
 */
@NullMarked
package io.jobcommon.examples.vulnmatch;

import org.jspecify.annotations.NullMarked;
