package io.jobcommon.messaging.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchPlannerTest {
  @Test
  void splitsByCount() {
    List<List<Integer>> plan = BatchPlanner.plan(Collections.nCopies(25, 100L));
    assertThat(plan).hasSize(3);
    assertThat(plan.get(0)).hasSize(10);
    assertThat(plan.get(1)).hasSize(10);
    assertThat(plan.get(2)).containsExactly(20, 21, 22, 23, 24);
  }

  @Test
  void splitsBySizeKeepingOrder() {
    long kib = 1024;
    List<List<Integer>> plan =
        BatchPlanner.plan(List.of(400 * kib, 400 * kib, 400 * kib, 10 * kib, 1024 * kib));
    assertThat(plan).containsExactly(List.of(0, 1), List.of(2, 3), List.of(4));
  }

  @Test
  void anExactFitStaysInOneCall() {
    long half = 512 * 1024;
    assertThat(BatchPlanner.plan(List.of(half, half))).containsExactly(List.of(0, 1));
    assertThat(BatchPlanner.plan(List.of(half, half + 1))).containsExactly(List.of(0), List.of(1));
  }

  @Test
  void everyEntryIsPlannedExactlyOnce() {
    List<Long> sizes = new ArrayList<>();
    for (int i = 0; i < 97; i++) {
      sizes.add((long) (i * 7919 % 300_000));
    }
    List<Integer> seen = new ArrayList<>();
    for (List<Integer> call : BatchPlanner.plan(sizes)) {
      assertThat(call).hasSizeBetween(1, 10);
      assertThat(call.stream().mapToLong(sizes::get).sum()).isLessThanOrEqualTo(1024 * 1024);
      seen.addAll(call);
    }
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < 97; i++) {
      all.add(i);
    }
    assertThat(seen).isEqualTo(all);
  }

  @Test
  void nothingPlansNothing() {
    assertThat(BatchPlanner.plan(List.of())).isEmpty();
  }
}
