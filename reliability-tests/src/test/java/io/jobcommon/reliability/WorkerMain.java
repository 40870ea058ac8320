package io.jobcommon.reliability;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.Dispatcher;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.JobContext;
import io.jobcommon.messaging.spi.Transport;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker for a child JVM: consumes {@link Job}s from a queue with a {@link Dispatcher}, spends
 * {@code workMillis} on each (simulated work), records its start and end in a {@link HandledLog},
 * then returns (the Dispatcher acks). Prints {@code READY} once consuming. A SIGTERM closes it
 * gracefully; a {@code kill -9} does not, which is what the tests do to it.
 *
 * <p>Arguments: {@code broker queue handledFile workMillis concurrency prefetch leaseSeconds}.
 * Broker settings come from the environment ({@link TestBrokers#open}).
 */
public final class WorkerMain {
  private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

  private WorkerMain() {}

  public static void main(String[] args) throws Exception {
    String broker = args[0];
    String queue = args[1];
    HandledLog handled = HandledLog.open(Paths.get(args[2]));
    long workMillis = Long.parseLong(args[3]);
    ConsumerOptions options =
        ConsumerOptions.builder()
            .setConcurrency(Integer.parseInt(args[4]))
            .setPrefetch(Integer.parseInt(args[5]))
            .setLease(Duration.ofSeconds(Long.parseLong(args[6])))
            .setShutdownTimeout(Duration.ofSeconds(10))
            .build();

    Transport transport = TestBrokers.open(broker);
    Dispatcher dispatcher = Dispatcher.builder(transport).build();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  dispatcher.close();
                  transport.close();
                  handled.close();
                  stopped.countDown();
                },
                "worker-shutdown"));
    dispatcher.start(
        new JobConsumer<Job>(queue) {
          @Override
          protected void handle(Job job, JobContext ctx) throws Exception {
            handled.append("start " + job.id());
            TimeUnit.MILLISECONDS.sleep(workMillis); // simulated work, not synchronisation
            handled.append("done " + job.id());
          }

          @Override
          public ConsumerOptions options() {
            return options;
          }
        });
    log.info("worker consuming {} on {}", queue, broker);
    System.out.println("READY");
    System.out.flush();
    stopped.await();
  }
}
