package io.jobcommon.examples.spring;

import io.jobcommon.spring.boot.JobListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.context.annotation.Bean;

/**
 * A worker whose handler waits until the test lets it finish, for the graceful-shutdown test. Not a
 * {@code @Configuration}, so that component scanning leaves it out: only the test adds it.
 */
class SlowWorker {
  static volatile CountDownLatch STARTED = new CountDownLatch(1);
  static volatile CountDownLatch RELEASE = new CountDownLatch(1);
  static final List<String> FINISHED = new CopyOnWriteArrayList<>();

  /** Fresh latches for a test: every broker's test class runs in the same JVM. */
  static void reset() {
    STARTED = new CountDownLatch(1);
    RELEASE = new CountDownLatch(1);
    FINISHED.clear();
  }

  @Bean
  Handler slowHandler() {
    return new Handler();
  }

  static final class Handler {
    @JobListener(
        queue = "${test.queues.slow}",
        concurrency = 1,
        prefetch = 1,
        shutdownTimeout = "30s")
    void handle(Messages.MatchRequest request) throws InterruptedException {
      STARTED.countDown();
      if (!RELEASE.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
      FINISHED.add(request.orgId());
    }
  }
}
