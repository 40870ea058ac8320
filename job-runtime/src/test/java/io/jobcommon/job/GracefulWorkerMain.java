package io.jobcommon.job;

import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.testing.InMemoryTransport;
import java.util.concurrent.locks.LockSupport;

/**
 * The worker {@link GracefulShutdownIT} starts in a child JVM and stops with SIGTERM. Its handler
 * announces that it started, keeps working until the runtime is stopping, then finishes; the main
 * prints what the broker holds afterwards.
 */
public final class GracefulWorkerMain {
  record Job(String id) {}

  private GracefulWorkerMain() {}

  public static void main(String[] args) {
    InMemoryTransport broker = InMemoryTransport.create();
    int code =
        JobRuntime.launch(
            JobRuntime.builder().setTransport(broker),
            System.err,
            runtime -> {
              runtime.client().send("work", new Job("j-1"));
              return runtime.run(
                  JobConsumer.of(
                      "work",
                      Job.class,
                      (job, ctx) -> {
                        System.out.println("HANDLER_STARTED " + job.id());
                        System.out.flush();
                        // Mid-way when SIGTERM comes: the work goes on until the runtime stops.
                        while (!runtime.status().state().equals("STOPPING")) {
                          LockSupport.parkNanos(5_000_000L);
                        }
                        System.out.println("HANDLER_FINISHED " + job.id());
                        System.out.flush();
                      }));
            });
    System.out.println(
        "EXIT "
            + code
            + " pending="
            + broker.pending("work")
            + " deadLettered="
            + broker.deadLettered("work").size());
    System.out.flush();
    broker.close();
    System.exit(code);
  }
}
