package io.jobcommon.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;

/**
 * The heap's peak use during a run: the sum of each heap pool's peak since {@link #reset()}, as the
 * JVM tracks it (no sampling thread). An upper bound: pools peak at different moments.
 */
final class HeapPeak {
  private final List<MemoryPoolMXBean> pools =
      ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getType() == MemoryType.HEAP)
          .toList();

  void reset() {
    pools.forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  double megabytes() {
    long bytes = 0;
    for (MemoryPoolMXBean p : pools) {
      bytes += p.getPeakUsage().getUsed();
    }
    return bytes / (1024.0 * 1024.0);
  }
}
