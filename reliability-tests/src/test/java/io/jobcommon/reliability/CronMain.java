package io.jobcommon.reliability;

import io.jobcommon.job.JobRuntime;
import java.util.concurrent.TimeUnit;

/**
 * A cron entry point for a child JVM, run the way a user runs one: {@code JobRuntime.launch(runtime
 * -> runtime.runScheduled(...))}. The job works {@code workMillis}, sends one message to {@code
 * queue}, and prints {@code JOB_DONE <epoch millis>} when it returns, so the test can measure the
 * time from the end of the job to the exit.
 *
 * <p>Arguments: {@code queue workMillis}.
 */
public final class CronMain {
  private CronMain() {}

  public static void main(String[] args) {
    String queue = args[0];
    long workMillis = Long.parseLong(args[1]);
    int code =
        JobRuntime.launch(
            runtime ->
                runtime.runScheduled(
                    "bounded-cron",
                    ctx -> {
                      TimeUnit.MILLISECONDS.sleep(workMillis);
                      ctx.client().send(queue, new Job("cron", 0));
                      System.out.println("JOB_DONE " + System.currentTimeMillis());
                      System.out.flush();
                    }));
    System.out.println("EXIT " + code);
    System.exit(code);
  }
}
