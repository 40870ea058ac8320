package io.jobcommon.messaging.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobcommon.messaging.ClientClosedException;
import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.OutgoingMessage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** After close: a send fails as a send (ClientClosedException), a subscribe as a misuse. */
class ClosedTransportTest {

  @Test
  void subscribeAfterCloseIsALifecycleErrorAndASendAFailedSend() {
    InMemoryTransport broker = InMemoryTransport.create();
    broker.close();
    assertThatThrownBy(() -> broker.subscribe("jobs", ConsumerOptions.defaults(), d -> {}))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessageContaining("transport is closed")
        .hasMessageContaining("queue 'jobs'");
    OutgoingMessage m =
        OutgoingMessage.builder("jobs").setBody("{}".getBytes(StandardCharsets.UTF_8)).build();
    assertThatThrownBy(() -> broker.send(m).join()).hasCauseInstanceOf(ClientClosedException.class);
  }
}
