package io.jobcommon.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What one run cost the client process: CPU time and bytes allocated, per message. Started before
 * the consumers, stopped after the last receipt. Three figures:
 *
 * <ul>
 *   <li>{@code cpu_us_per_msg}: the whole process's CPU time (every thread, the JIT and the GC too,
 *       and an embedded broker when there is one) ÷ messages consumed;
 *   <li>{@code client_cpu_us_per_msg}: the CPU time of this process's threads except an embedded
 *       ElasticMQ's ({@code pekko}/{@code elasticmq} threads) and the JVM's own (JIT, GC: not Java
 *       threads), ÷ messages consumed: the SDK's and the benchmark's own cost, which a broker on
 *       the same machine can neither hide nor inflate;
 *   <li>{@code alloc_b_per_msg}: bytes allocated by those same threads ÷ messages consumed.
 * </ul>
 *
 * Threads are sampled every 100 ms; a thread that ends before {@link #stop} calls {@link
 * #threadEnding()} last (the producers do), any other loses what it did since its last sample. One
 * run uses it; the sampler is its own daemon thread, not counted.
 */
final class ClientCost {
  private static final long SAMPLE_MILLIS = 100;

  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final Map<Long, long[]> baseline = new HashMap<>();
  private final Map<Long, long[]> latest = new HashMap<>();
  private final Map<Long, Boolean> broker = new HashMap<>();
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread sampler;
  private final long processCpuStart;
  private long processCpuEnd;

  private ClientCost() {
    if (threads.isThreadCpuTimeSupported() && !threads.isThreadCpuTimeEnabled()) {
      threads.setThreadCpuTimeEnabled(true);
    }
    if (threads.isThreadAllocatedMemorySupported() && !threads.isThreadAllocatedMemoryEnabled()) {
      threads.setThreadAllocatedMemoryEnabled(true);
    }
    sampler = new Thread(this::sampleUntilStopped, "bench-client-cost");
    sampler.setDaemon(true);
    synchronized (this) {
      sample(baseline);
      latest.putAll(baseline);
    }
    processCpuStart = os.getProcessCpuTime();
    sampler.start();
  }

  /** Starts measuring now. */
  static ClientCost start() {
    return new ClientCost();
  }

  /** Stops measuring; the figures per message of {@code messages}, as RESULT keys and values. */
  Map<String, String> stop(long messages) throws InterruptedException {
    processCpuEnd = os.getProcessCpuTime();
    stop.countDown();
    sampler.join(TimeUnit.SECONDS.toMillis(5));
    long cpu = 0;
    long alloc = 0;
    synchronized (this) {
      sample(latest);
      for (Map.Entry<Long, long[]> e : latest.entrySet()) {
        if (Boolean.TRUE.equals(broker.get(e.getKey()))) {
          continue;
        }
        long[] base = baseline.getOrDefault(e.getKey(), new long[2]);
        cpu += Math.max(0, e.getValue()[0] - base[0]);
        alloc += Math.max(0, e.getValue()[1] - base[1]);
      }
    }
    long n = Math.max(messages, 1);
    Map<String, String> figures = new HashMap<>();
    figures.put("cpu_us_per_msg", micros(processCpuEnd - processCpuStart, n));
    figures.put("client_cpu_us_per_msg", micros(cpu, n));
    figures.put("alloc_b_per_msg", String.valueOf(Math.round((double) alloc / n)));
    return figures;
  }

  /**
   * Records the calling thread's figures now: a thread that ends before {@link #stop} calls it
   * last, so that what it did since the last sample is not lost.
   */
  void threadEnding() {
    long id = Thread.currentThread().getId();
    long cpu = threads.getCurrentThreadCpuTime();
    long alloc = threads.getThreadAllocatedBytes(id);
    synchronized (this) {
      broker.putIfAbsent(id, isBrokerThread(Thread.currentThread().getName()));
      if (cpu >= 0) {
        latest.put(id, new long[] {cpu, Math.max(alloc, 0)});
      }
    }
  }

  private static String micros(long nanos, long messages) {
    return String.format(Locale.ROOT, "%.2f", nanos / 1000.0 / messages);
  }

  private void sampleUntilStopped() {
    try {
      while (!stop.await(SAMPLE_MILLIS, TimeUnit.MILLISECONDS)) {
        synchronized (this) {
          sample(latest);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Puts each live thread's CPU nanos and allocated bytes into {@code into}, by thread id. */
  private void sample(Map<Long, long[]> into) {
    long self = sampler.getId();
    long[] ids = threads.getAllThreadIds();
    long[] cpu = threads.getThreadCpuTime(ids);
    long[] alloc = threads.getThreadAllocatedBytes(ids);
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] == self || cpu[i] < 0) {
        continue; // the sampler itself, or a thread that ended meanwhile
      }
      if (!broker.containsKey(ids[i])) {
        ThreadInfo info = threads.getThreadInfo(ids[i], 0);
        broker.put(ids[i], info != null && isBrokerThread(info.getThreadName()));
      }
      into.put(ids[i], new long[] {cpu[i], Math.max(alloc[i], 0)});
    }
  }

  /** A thread of the embedded ElasticMQ (Pekko's dispatchers and schedulers). */
  static boolean isBrokerThread(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.contains("pekko") || n.contains("elasticmq");
  }
}
