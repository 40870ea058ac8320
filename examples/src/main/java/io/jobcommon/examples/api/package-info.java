/**
 * The API service: a JDK {@code HttpServer} whose {@code POST /api/sboms/upload} continues the
 * browser's W3C trace in a SERVER span and publishes {@link
 * io.jobcommon.examples.domain.SbomUploaded} through a {@link
 * io.jobcommon.messaging.MessageClient}.
 */
@NullMarked
package io.jobcommon.examples.api;

import org.jspecify.annotations.NullMarked;
