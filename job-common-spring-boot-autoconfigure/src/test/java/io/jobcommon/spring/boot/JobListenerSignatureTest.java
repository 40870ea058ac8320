package io.jobcommon.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.messaging.JobContext;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** A listener method that cannot be served fails the start with a message naming it. */
class JobListenerSignatureTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(JobCommonAutoConfiguration.class))
          .withPropertyValues("jobcommon.broker=in-memory");

  static class TwoPayloads {
    @JobListener(queue = "q")
    void handle(String a, String b) {}
  }

  static class NoPayload {
    @JobListener(queue = "q")
    void handle(JobContext ctx) {}
  }

  static class BadBackoff {
    @JobListener(queue = "q", initialBackoff = "soon")
    void handle(String a) {}
  }

  static class Generic {
    @JobListener(queue = "${queues.items}", concurrency = 3, maxAttempts = 7)
    void handle(JobContext ctx, List<String> items) {}
  }

  @Configuration(proxyBeanMethods = false)
  static class TwoPayloadsConfig {
    @Bean
    TwoPayloads listener() {
      return new TwoPayloads();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class NoPayloadConfig {
    @Bean
    NoPayload listener() {
      return new NoPayload();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class BadBackoffConfig {
    @Bean
    BadBackoff listener() {
      return new BadBackoff();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class GenericConfig {
    @Bean
    Generic listener() {
      return new Generic();
    }
  }

  @Test
  void twoPayloadsAreRefused() {
    runner
        .withUserConfiguration(TwoPayloadsConfig.class)
        .run(
            ctx ->
                assertThat(ctx.getStartupFailure())
                    .hasStackTraceContaining(
                        "@JobListener method listener#handle must take the payload and, optionally,"
                            + " a JobContext: void io.jobcommon.spring.boot.JobListenerSignatureTest"
                            + "$TwoPayloads.handle(java.lang.String,java.lang.String)"));
  }

  @Test
  void aMethodWithoutPayloadIsRefused() {
    runner
        .withUserConfiguration(NoPayloadConfig.class)
        .run(
            ctx ->
                assertThat(ctx.getStartupFailure())
                    .hasStackTraceContaining(
                        "@JobListener method listener#handle must take the payload"));
  }

  @Test
  void aBadDurationIsRefusedWithTheExpectedForm() {
    runner
        .withUserConfiguration(BadBackoffConfig.class)
        .run(
            ctx ->
                assertThat(ctx.getStartupFailure())
                    .hasStackTraceContaining(
                        "@JobListener method listener#handle: initialBackoff is not a duration:"
                            + " 'soon' (expected for example 500ms, 10s or 5m)"));
  }

  @Test
  void attributesAndGenericPayloadsReachTheConsumer() {
    runner
        .withUserConfiguration(GenericConfig.class)
        .withPropertyValues("queues.items=items-queue")
        .run(
            ctx -> {
              var consumers = ctx.getBean(JobListenerPostProcessor.class).consumers();
              assertThat(consumers).hasSize(1);
              var c = consumers.get(0);
              assertThat(c.queue()).isEqualTo("items-queue");
              assertThat(c.payloadType().getTypeName())
                  .isEqualTo("java.util.List<java.lang.String>");
              assertThat(c.options().concurrency()).isEqualTo(3);
              assertThat(c.retryPolicy().maxAttempts()).isEqualTo(7);
              assertThat(c.name()).isEqualTo("listener#handle");
            });
  }
}
