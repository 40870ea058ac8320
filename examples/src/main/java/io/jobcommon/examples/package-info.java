/**
 * Examples of the code users write with job-common: an API service ({@code api}), two job workers
 * ({@code sbom}), a cron job and its worker ({@code vulnmatch}), their payloads ({@code domain}),
 * and {@code demo.Demo}, which runs all of them in one process on an embedded broker and prints the
 * trace they make.
 */
@NullMarked
package io.jobcommon.examples;

import org.jspecify.annotations.NullMarked;
