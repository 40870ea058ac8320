package io.jobcommon.messaging.testing;

import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.spi.TransportProvider;
import io.jobcommon.messaging.spi.TransportSettings;

/**
 * The {@code in-memory} broker for {@code MESSAGING_BROKER=in-memory}: one process, nothing
 * persisted. For local runs and tests. Stateless and thread-safe.
 */
public final class InMemoryTransportProvider implements TransportProvider {

  /** Used by {@link java.util.ServiceLoader}. */
  public InMemoryTransportProvider() {}

  @Override
  public String name() {
    return "in-memory";
  }

  @Override
  public Transport create(TransportSettings settings) {
    return InMemoryTransport.create();
  }
}
