package io.jobcommon.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ClientCost} counts what the client's threads allocate and leaves out the broker's. */
class ClientCostTest {
  private static final int CHUNKS = 64;
  private static final int CHUNK_BYTES = 1 << 20;

  /** Allocates 64 MiB on a thread of the given name, keeping the JIT from eliding it. */
  private static long allocateOn(String threadName, ClientCost cost) throws InterruptedException {
    long[] sum = new long[1];
    Thread t =
        new Thread(
            () -> {
              for (int i = 0; i < CHUNKS; i++) {
                byte[] b = new byte[CHUNK_BYTES];
                b[i] = 1;
                sum[0] += b.length + b[i];
              }
              cost.threadEnding();
            },
            threadName);
    t.start();
    t.join();
    return sum[0];
  }

  @Test
  void countsBytesAllocatedByAThreadThatEndedBeforeTheStop() throws Exception {
    ClientCost cost = ClientCost.start();
    assertThat(allocateOn("bench-test-worker", cost)).isPositive();
    Map<String, String> figures = cost.stop(1024);

    // 64 MiB over 1024 messages: at least 64 KiB each, although the thread ended before the stop
    System.out.println("client cost: " + figures);
    assertThat(Long.parseLong(figures.get("alloc_b_per_msg")))
        .isGreaterThanOrEqualTo((long) CHUNKS * CHUNK_BYTES / 1024);
    assertThat(Double.parseDouble(figures.get("cpu_us_per_msg"))).isPositive();
    assertThat(Double.parseDouble(figures.get("client_cpu_us_per_msg"))).isPositive();
  }

  @Test
  void leavesOutTheEmbeddedBrokersThreads() throws Exception {
    ClientCost client = ClientCost.start();
    byte[] keep = new byte[CHUNKS * CHUNK_BYTES];
    keep[1] = 1;
    Map<String, String> own = client.stop(1);
    assertThat(Long.parseLong(own.get("alloc_b_per_msg")))
        .as("bytes this (test) thread allocated")
        .isGreaterThanOrEqualTo((long) CHUNKS * CHUNK_BYTES);

    ClientCost brokerOnly = ClientCost.start();
    allocateOn("elasticmq-pekko.actor.default-dispatcher-7", brokerOnly);
    Map<String, String> broker = brokerOnly.stop(1);
    assertThat(Long.parseLong(broker.get("alloc_b_per_msg")))
        .as("bytes outside the broker's thread")
        .isLessThan((long) CHUNKS * CHUNK_BYTES / 2);
  }

  @Test
  void namesPekkoAndElasticMqThreadsAsTheBrokers() {
    assertThat(ClientCost.isBrokerThread("elasticmq-pekko.actor.default-dispatcher-3")).isTrue();
    assertThat(ClientCost.isBrokerThread("bench-producer-0")).isFalse();
    assertThat(ClientCost.isBrokerThread("aws-java-sdk-NettyEventLoop-1-0")).isFalse();
  }
}
