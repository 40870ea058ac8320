/**
 * The benchmark CLI ({@link io.jobcommon.benchmarks.Main}): the SDK against the raw broker clients,
 * tracing on and off, real OTLP export, and the OTLP sink it exports to. Not a library: nothing
 * here is public API.
 */
@NullMarked
package io.jobcommon.benchmarks;

import org.jspecify.annotations.NullMarked;
