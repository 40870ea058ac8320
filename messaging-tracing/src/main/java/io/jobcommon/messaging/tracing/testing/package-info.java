/**
 * The tracing contract every transport passes, {@link
 * io.jobcommon.messaging.tracing.testing.TracingOnBrokerContract}: an abstract JUnit 5 suite that a
 * transport's integration test extends beside messaging-testing's {@code TransportConformanceKit}.
 */
@NullMarked
package io.jobcommon.messaging.tracing.testing;

import org.jspecify.annotations.NullMarked;
