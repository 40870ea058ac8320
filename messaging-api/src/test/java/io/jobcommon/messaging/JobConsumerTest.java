package io.jobcommon.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.ParameterizedType;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobConsumerTest {
  record Payload(String id) {}

  static final class Direct extends JobConsumer<Payload> {
    Direct() {
      super("q");
    }

    @Override
    protected void handle(Payload payload, JobContext ctx) {}
  }

  abstract static class Base<P> extends JobConsumer<P> {
    Base() {
      super("q");
    }
  }

  static final class ThroughGenericBase extends Base<Payload> {
    @Override
    protected void handle(Payload payload, JobContext ctx) {}
  }

  static final class GenericStillOpen<P> extends JobConsumer<P> {
    GenericStillOpen() {
      super("q");
    }

    @Override
    protected void handle(P payload, JobContext ctx) {}
  }

  @Test
  void payloadTypeIsReadFromTheGenericParameter() {
    assertThat(new Direct().payloadType()).isEqualTo(Payload.class);
    assertThat(new ThroughGenericBase().payloadType()).isEqualTo(Payload.class);
  }

  @Test
  void parameterizedPayloadTypesAreKept() {
    JobConsumer<List<Payload>> c =
        new JobConsumer<>("q") {
          @Override
          protected void handle(List<Payload> payload, JobContext ctx) {}
        };
    assertThat(c.payloadType()).isInstanceOf(ParameterizedType.class);
    assertThat(c.payloadType().getTypeName())
        .isEqualTo("java.util.List<" + Payload.class.getName() + ">");
  }

  @Test
  void anUnresolvableTypeSaysHowToFixIt() {
    assertThatThrownBy(GenericStillOpen::new)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("pass it to the constructor");
  }

  @Test
  void lambdaConsumersCarryTheirType() {
    JobConsumer<Payload> c = JobConsumer.of("jobs", Payload.class, (p, ctx) -> {});
    assertThat(c.queue()).isEqualTo("jobs");
    assertThat(c.payloadType()).isEqualTo(Payload.class);
    assertThat(c.retryPolicy()).isEqualTo(RetryPolicy.defaults());
    assertThat(c.options()).isEqualTo(ConsumerOptions.defaults());
  }

  @Test
  void blankQueuesAreRejected() {
    assertThatThrownBy(() -> JobConsumer.of(" ", Payload.class, (p, ctx) -> {}))
        .hasMessageContaining("queue");
  }
}
