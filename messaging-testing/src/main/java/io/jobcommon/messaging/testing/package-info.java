/**
 * Testing without a broker: {@link io.jobcommon.messaging.testing.InMemoryTransport} (a broker in
 * memory), {@link io.jobcommon.messaging.testing.TestClock}, and {@link
 * io.jobcommon.messaging.testing.TransportConformanceKit}, the suite every transport passes, with
 * the {@link io.jobcommon.messaging.testing.TransportCapabilities} a transport declares to it.
 */
@NullMarked
package io.jobcommon.messaging.testing;

import org.jspecify.annotations.NullMarked;
