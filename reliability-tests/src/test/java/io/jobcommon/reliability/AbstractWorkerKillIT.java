package io.jobcommon.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcommon.messaging.MessageClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A worker in a child JVM is {@code kill -9}ed mid-stream; a new worker finishes the queue. Every
 * message is handled at least once (each worker records an id before its ack), none is left on the
 * queue or dead-lettered, and the duplicates (handled by the killed worker but not acked) are
 * counted and reported. The broker lives outside the workers. The kill cuts off handlers that were
 * running: their messages come back (they do not count as handled by the killed worker).
 */
abstract class AbstractWorkerKillIT {
  static final int MESSAGES = 3000;
  static final int WORKER_CONCURRENCY = 8;
  static final int WORKER_PREFETCH = 16;
  private static final int BATCH = 100;

  /** {@code rabbitmq} or {@code sqs}: what {@link TestBrokers#open} opens in the child. */
  abstract String broker();

  /** The environment the child needs to reach the broker. */
  abstract Map<String, String> childEnv();

  /** A client in the test JVM, on the same broker. */
  abstract MessageClient client();

  /** A new queue name. */
  abstract String newQueue();

  /** Messages still on {@code queue} (visible or not), after the workers are gone. */
  abstract long left(String queue) throws Exception;

  /** The worker's lease in seconds: how soon the broker redelivers a dead worker's messages. */
  abstract int leaseSeconds();

  @Test
  void aKilledWorkersMessagesAreFinishedByTheNextWorker() throws Exception {
    String queue = newQueue();
    List<String> ids = new ArrayList<>(MESSAGES);
    for (int start = 0; start < MESSAGES; start += BATCH) {
      List<Job> batch = new ArrayList<>(BATCH);
      for (int i = start; i < start + BATCH; i++) {
        Job job = new Job("job-" + i, i);
        batch.add(job);
        ids.add(job.id());
      }
      client().sendBatch(queue, batch);
    }
    Path dir = Files.createTempDirectory(ChildJvm.logDir(), "kill-" + broker() + "-");
    Path firstLog = dir.resolve("first.handled");
    Path secondLog = dir.resolve("second.handled");

    int handledBeforeKill;
    int interrupted;
    long killedAt;
    try (ChildJvm first = worker("kill-" + broker() + "-first", queue, firstLog)) {
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> HandledLog.done(firstLog).size() >= MESSAGES / 4);
      assertThat(first.killHard()).as("exit code of kill -9").isEqualTo(137);
      killedAt = System.nanoTime();
      handledBeforeKill = HandledLog.done(firstLog).size();
      interrupted = HandledLog.started(firstLog).size() - handledBeforeKill;
    }
    assertThat(new HashSet<>(HandledLog.done(firstLog)))
        .as("the first worker was killed mid-stream")
        .hasSizeLessThan(MESSAGES);
    assertThat(interrupted).as("handlers running when the worker was killed").isPositive();

    long finishedAt;
    try (ChildJvm second = worker("kill-" + broker() + "-second", queue, secondLog)) {
      await()
          .atMost(Duration.ofMinutes(2))
          .untilAsserted(() -> assertThat(handled(firstLog, secondLog)).containsAll(ids));
      finishedAt = System.nanoTime();
      int exit = second.terminate(Duration.ofSeconds(30));
      assertThat(exit).as("exit code after SIGTERM").isIn(0, 143);
    }

    List<String> all = new ArrayList<>(HandledLog.done(firstLog));
    all.addAll(HandledLog.done(secondLog));
    Set<String> distinct = new HashSet<>(all);
    assertThat(distinct).as("nothing but what was sent was handled").isEqualTo(new HashSet<>(ids));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(left(queue)).as("messages left on the queue").isZero());
    assertThat(left(queue + "-dlq")).as("messages dead-lettered").isZero();

    int duplicates = all.size() - distinct.size();
    // Only messages the killed worker held unacked can come twice: at most its in-flight bound.
    assertThat(duplicates).isLessThanOrEqualTo(WORKER_CONCURRENCY + WORKER_PREFETCH);
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("sent", MESSAGES);
    figures.put("handled_by_killed_worker", handledBeforeKill);
    figures.put("handlers_cut_off_by_kill", interrupted);
    figures.put("handled_by_second_worker", HandledLog.done(secondLog).size());
    figures.put("handled_distinct", distinct.size());
    figures.put("duplicates", duplicates);
    figures.put("lost", MESSAGES - distinct.size());
    figures.put("kill_to_queue_drained_ms", (finishedAt - killedAt) / 1_000_000);
    Figures.record("worker-kill-9 " + broker(), figures);
  }

  private ChildJvm worker(String name, String queue, Path handled) {
    return ChildJvm.start(
        name,
        WorkerMain.class,
        childEnv(),
        broker(),
        queue,
        handled.toString(),
        "5",
        Integer.toString(WORKER_CONCURRENCY),
        Integer.toString(WORKER_PREFETCH),
        Integer.toString(leaseSeconds()));
  }

  private static Set<String> handled(Path first, Path second) {
    Set<String> all = new HashSet<>(HandledLog.done(first));
    all.addAll(HandledLog.done(second));
    return all;
  }
}
