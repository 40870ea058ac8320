package io.jobcommon.reliability;

import io.jobcommon.job.JobRuntime;
import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.JobContext;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A worker for a child JVM, run the way a user runs one: {@code JobRuntime.launch(runtime ->
 * runtime.run(consumer))}, configured from the environment (broker, {@code JOB_SHUTDOWN_TIMEOUT},
 * {@code OTEL_*}). Its handler records its start, works {@code workMillis} (interruptible), then
 * records its end in a {@link HandledLog}. The test sends it SIGTERM while handlers run.
 *
 * <p>Arguments: {@code queue handledFile workMillis concurrency prefetch leaseSeconds
 * consumerShutdownMillis}.
 */
public final class SigtermWorkerMain {
  private SigtermWorkerMain() {}

  public static void main(String[] args) {
    String queue = args[0];
    HandledLog handled = HandledLog.open(Paths.get(args[1]));
    long workMillis = Long.parseLong(args[2]);
    ConsumerOptions options =
        ConsumerOptions.builder()
            .setConcurrency(Integer.parseInt(args[3]))
            .setPrefetch(Integer.parseInt(args[4]))
            .setLease(Duration.ofSeconds(Long.parseLong(args[5])))
            .setShutdownTimeout(Duration.ofMillis(Long.parseLong(args[6])))
            .build();
    int code =
        JobRuntime.launch(
            runtime ->
                runtime.run(
                    new JobConsumer<Job>(queue) {
                      @Override
                      protected void handle(Job job, JobContext ctx) throws Exception {
                        handled.append("start " + job.id());
                        TimeUnit.MILLISECONDS.sleep(workMillis); // a long handler
                        handled.append("done " + job.id());
                      }

                      @Override
                      public ConsumerOptions options() {
                        return options;
                      }
                    }));
    handled.close();
    System.out.println("EXIT " + code);
    System.exit(code);
  }
}
