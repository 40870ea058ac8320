/**
 * The payloads the examples send: plain records, encoded as JSON by the client's codec. Immutable
 * and thread-safe; no field is null.
 */
@NullMarked
package io.jobcommon.examples.domain;

import org.jspecify.annotations.NullMarked;
