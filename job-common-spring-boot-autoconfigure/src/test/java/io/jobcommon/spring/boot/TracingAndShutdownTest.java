package io.jobcommon.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcommon.messaging.JobContext;
import io.jobcommon.messaging.MessageClient;
import io.jobcommon.messaging.testing.InMemoryTransport;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The application's OpenTelemetry carries the SDK's spans (no second SDK), listener attributes set
 * the retry policy, and closing the context drains in order: web server first, then running
 * handlers finish and unstarted messages go back to the queue, then telemetry is flushed.
 */
@SuppressWarnings("try") // scopes are held open for their side effect
class TracingAndShutdownTest {
  static final List<String> EVENTS = new CopyOnWriteArrayList<>();
  static final List<String> MDC_TRACE_IDS = new CopyOnWriteArrayList<>();
  static volatile CountDownLatch started = new CountDownLatch(1);
  static volatile CountDownLatch release = new CountDownLatch(1);

  record Work(String id, String mode) {}

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class App {
    final InMemorySpanExporter spans = InMemorySpanExporter.create();

    @Bean
    InMemorySpanExporter spans() {
      return spans;
    }

    @Bean(destroyMethod = "close")
    OpenTelemetrySdk openTelemetry() {
      SpanProcessor flushRecording =
          new SpanProcessor() {
            @Override
            public void onStart(Context parentContext, ReadWriteSpan span) {}

            @Override
            public boolean isStartRequired() {
              return false;
            }

            @Override
            public void onEnd(ReadableSpan span) {}

            @Override
            public boolean isEndRequired() {
              return false;
            }

            @Override
            public CompletableResultCode forceFlush() {
              EVENTS.add("telemetry-flushed");
              return CompletableResultCode.ofSuccess();
            }
          };
      return OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .addSpanProcessor(flushRecording)
                  .build())
          .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
          .build();
    }

    @Bean
    InMemoryTransport broker() {
      return InMemoryTransport.create();
    }

    @Bean
    JobRuntimeCustomizer useBroker(InMemoryTransport broker) {
      return builder -> builder.setTransport(broker);
    }

    @Bean
    Worker worker() {
      return new Worker();
    }

    /** Stands in for the web server's graceful shutdown, whose phase it shares. */
    @Bean
    SmartLifecycle webServerStandIn() {
      return new SmartLifecycle() {
        private volatile boolean running;

        @Override
        public void start() {
          running = true;
        }

        @Override
        public void stop() {
          running = false;
          EVENTS.add("web-server-stopped");
        }

        @Override
        public boolean isRunning() {
          return running;
        }

        @Override
        public int getPhase() {
          return SmartLifecycle.DEFAULT_PHASE - 1024;
        }
      };
    }
  }

  static class Worker {
    @JobListener(
        queue = "work",
        concurrency = 1,
        prefetch = 1,
        maxAttempts = 2,
        initialBackoff = "10ms",
        maxBackoff = "10ms",
        nonRetryable = IllegalArgumentException.class)
    void handle(Work work, JobContext ctx) throws InterruptedException {
      MDC_TRACE_IDS.add(
          MDC.get("trace_id")
              + "/"
              + MDC.get("traceId")
              + "/"
              + Span.current().getSpanContext().getTraceId());
      switch (work.mode()) {
        case "fail" -> throw new IllegalStateException("always fails");
        case "bad" -> throw new IllegalArgumentException("never retried");
        case "slow" -> {
          started.countDown();
          release.await(30, TimeUnit.SECONDS);
          EVENTS.add("handler-finished:" + work.id());
        }
        default -> ctx.client().send("done", work);
      }
    }
  }

  private ConfigurableApplicationContext context;

  private ConfigurableApplicationContext start() {
    EVENTS.clear();
    MDC_TRACE_IDS.clear();
    started = new CountDownLatch(1);
    release = new CountDownLatch(1);
    context =
        new SpringApplicationBuilder(App.class)
            .web(WebApplicationType.NONE)
            .properties("jobcommon.shutdown-timeout=20s")
            .run();
    return context;
  }

  @AfterEach
  void close() {
    release.countDown();
    if (context != null) {
      context.close();
    }
  }

  @Test
  void theApplicationsOpenTelemetryCarriesOneTraceAcrossTheQueue() {
    ConfigurableApplicationContext ctx = start();
    OpenTelemetry otel = ctx.getBean(OpenTelemetry.class);
    InMemoryTransport broker = ctx.getBean(InMemoryTransport.class);
    Span parent = otel.getTracer("test").spanBuilder("request").startSpan();
    try (Scope ignored = parent.makeCurrent()) {
      ctx.getBean(MessageClient.class).send("work", new Work("w1", "ok"));
    } finally {
      parent.end();
    }
    broker.awaitIdle(Duration.ofSeconds(10));
    await().atMost(Duration.ofSeconds(10)).until(() -> broker.sentTo("done").size() == 1);
    List<SpanData> spans = ctx.getBean(InMemorySpanExporter.class).getFinishedSpanItems();
    String traceId = parent.getSpanContext().getTraceId();
    SpanData send = only(spans, SpanKind.PRODUCER, "work");
    SpanData process = only(spans, SpanKind.CONSUMER, "work");
    SpanData followUp = only(spans, SpanKind.PRODUCER, "done");
    assertThat(send.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
    assertThat(process.getParentSpanId()).isEqualTo(send.getSpanId());
    assertThat(followUp.getParentSpanId()).isEqualTo(process.getSpanId());
    assertThat(List.of(send, process, followUp)).allMatch(s -> s.getTraceId().equals(traceId));
    // OpenTelemetry's MDC key and Micrometer Tracing's (Spring Boot's log correlation pattern).
    assertThat(MDC_TRACE_IDS).containsExactly(traceId + "/" + traceId + "/" + traceId);
  }

  @Test
  void listenerAttributesSetTheRetryPolicy() {
    ConfigurableApplicationContext ctx = start();
    InMemoryTransport broker = ctx.getBean(InMemoryTransport.class);
    MessageClient client = ctx.getBean(MessageClient.class);
    client.send("work", new Work("f", "fail"));
    client.send("work", new Work("b", "bad"));
    await().atMost(Duration.ofSeconds(15)).until(() -> broker.deadLettered("work").size() == 2);
    broker.awaitIdle(Duration.ofSeconds(10));
    assertThat(broker.deadLettered("work"))
        .extracting(m -> m.payload(Work.class).id() + ":" + m.header("jc-attempts").orElse("?"))
        .containsExactlyInAnyOrder("f:2", "b:1");
  }

  @Test
  void closingTheContextDrainsAfterTheWebServerAndBeforeTheFlush() throws Exception {
    ConfigurableApplicationContext ctx = start();
    InMemoryTransport broker = ctx.getBean(InMemoryTransport.class);
    MessageClient client = ctx.getBean(MessageClient.class);
    for (int i = 1; i <= 3; i++) {
      client.send("work", new Work("s" + i, "slow"));
    }
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    EVENTS.clear();
    Thread closer = new Thread(ctx::close, "test-close");
    closer.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> EVENTS.contains("web-server-stopped"));
    assertThat(closer.isAlive()).as("close waits for the running handler").isTrue();
    release.countDown();
    closer.join(30_000);
    assertThat(closer.isAlive()).isFalse();
    assertThat(EVENTS.get(0)).isEqualTo("web-server-stopped");
    assertThat(EVENTS.get(1)).startsWith("handler-finished:");
    assertThat(EVENTS.subList(2, EVENTS.size())).contains("telemetry-flushed");
    // One handled and acknowledged; the two never started are back in the queue, not lost.
    assertThat(broker.pending("work")).isEqualTo(2);
    assertThat(broker.deadLettered("work")).isEmpty();
  }

  private static SpanData only(List<SpanData> spans, SpanKind kind, String queue) {
    List<SpanData> found =
        spans.stream()
            .filter(s -> s.getKind() == kind && s.getName().endsWith(" " + queue))
            .toList();
    assertThat(found).as("%s spans of %s in %s", kind, queue, spans).hasSize(1);
    return found.get(0);
  }
}
