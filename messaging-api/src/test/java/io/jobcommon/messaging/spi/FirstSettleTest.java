package io.jobcommon.messaging.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FirstSettleTest {
  @Test
  void onlyTheFirstClaimWins() {
    FirstSettle settle = new FirstSettle();
    assertThat(settle.isSettled()).isFalse();
    assertThat(settle.claim()).isTrue();
    assertThat(settle.isSettled()).isTrue();
    assertThat(settle.claim()).isFalse();
  }

  @Test
  void ofConcurrentClaimsExactlyOneWins() throws Exception {
    FirstSettle settle = new FirstSettle();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<Boolean>> claims = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        claims.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    go.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return settle.claim();
                },
                pool));
      }
      go.countDown();
      long won = 0;
      for (CompletableFuture<Boolean> c : claims) {
        if (c.get(10, TimeUnit.SECONDS)) {
          won++;
        }
      }
      assertThat(won).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }
}
