package io.jobcommon.messaging.testing;

import io.jobcommon.messaging.spi.Transport;

/** The in-memory broker behaves as every other transport must. */
// snippet:start conformance-kit
class InMemoryTransportConformanceTest extends TransportConformanceKit {

  @Override
  protected Transport createTransport() {
    return InMemoryTransport.create();
  }

  @Override
  protected TransportCapabilities capabilities() {
    return TransportCapabilities.basic()
        .withExpiringLeases()
        .withFifoGroups()
        .withMaxBodySize(InMemoryTransport.DEFAULT_MAX_MESSAGE_SIZE);
  }
}
// snippet:end conformance-kit
