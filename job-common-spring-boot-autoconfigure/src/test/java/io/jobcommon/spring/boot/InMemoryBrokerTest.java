package io.jobcommon.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcommon.job.JobRuntime;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.JobContext;
import io.jobcommon.messaging.MessageClient;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The smallest Spring Boot test of a worker: {@code jobcommon.broker=in-memory}, a {@link
 * JobListener} method and a {@link JobConsumer} bean started with the application, a real send
 * through the {@link MessageClient} bean; no broker, no collector, no exporter.
 */
@SpringBootTest(
    classes = InMemoryBrokerTest.App.class,
    properties = {"jobcommon.broker=in-memory", "jobcommon.shutdown-timeout=5s"})
class InMemoryBrokerTest {
  record Order(String id, int items) {}

  record Shipped(String orderId) {}

  static final BlockingQueue<Shipped> SHIPPED = new LinkedBlockingQueue<>();

  // snippet:start spring-worker-test
  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class App {
    @Bean
    OrderWorker orderWorker() {
      return new OrderWorker();
    }

    @Bean
    JobConsumer<Shipped> shippedWorker() {
      return JobConsumer.of("shipped", Shipped.class, (shipped, ctx) -> SHIPPED.add(shipped));
    }
  }

  static class OrderWorker {
    @JobListener(queue = "${orders.queue:orders}", concurrency = 2)
    void ship(Order order, JobContext ctx) {
      ctx.client().send("shipped", new Shipped(order.id()));
    }
  }

  @Autowired MessageClient client;

  @Test
  void aSentOrderIsShipped() throws Exception {
    client.send("orders", new Order("o-1", 3));
    assertThat(SHIPPED.poll(10, TimeUnit.SECONDS)).isEqualTo(new Shipped("o-1"));
  }

  // snippet:end spring-worker-test

  @Autowired JobRuntime runtime;
  @Autowired HealthIndicator jobCommonHealthIndicator;

  @Test
  void noSdkIsBuiltAndNothingIsExported() {
    assertThat(runtime.openTelemetry()).isSameAs(OpenTelemetry.noop());
    assertThat(GlobalOpenTelemetry.isSet()).isFalse();
  }

  @Test
  void healthReportsTheBrokerAndEveryConsumer() {
    Health health = jobCommonHealthIndicator.health();
    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails())
        .containsEntry("broker", "in_memory")
        .containsEntry("brokerConnection", "UP")
        .containsEntry("consumers", Map.of("orders", "UP", "shipped", "UP"));
  }
}
