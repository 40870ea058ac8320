package io.jobcommon.messaging.admin;

import io.jobcommon.messaging.ConsumerOptions;
import io.jobcommon.messaging.spi.Delivery;
import io.jobcommon.messaging.spi.LogSafe;
import io.jobcommon.messaging.spi.QueueAdmin;
import io.jobcommon.messaging.spi.QueueDepth;
import io.jobcommon.messaging.spi.Subscription;
import io.jobcommon.messaging.spi.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks a queue once through the transport SPI: each message is handed to a visitor, which settles
 * it (ack) or keeps it. Kept messages stay unsettled until the walk ends, so that the broker does
 * not hand them out again (RabbitMQ would requeue them at the head), and are then released all at
 * once. The walk ends when the visitor says so, when a message shows up a second time, when as many
 * messages as the queue held at the start were seen, or when nothing arrives for {@code idle} (15 s
 * while the broker's count says more are there). Not thread-safe: one walk per instance.
 */
final class QueueScan {
  /** What the visitor did with a message. */
  enum Outcome {
    /** Settled (acked) by the visitor; continue. */
    SETTLED,
    /** Leave it in the queue; continue. */
    KEEP,
    /** Leave it in the queue and stop. */
    STOP
  }

  /** Looks at one message. */
  interface Visitor {
    Outcome visit(Delivery delivery);
  }

  private static final Logger log = LoggerFactory.getLogger(QueueScan.class);

  /**
   * How long a message stays hidden if the walk ends without giving it back: the transport keeps
   * what the walk holds hidden meanwhile. Short, because on SQS a receive cut off when the walk
   * ends may still take a message on the server; it is back after this.
   */
  static final Duration LEASE = Duration.ofSeconds(5);

  /** The most messages a walk keeps unsettled; larger queues are walked in several runs. */
  static final int MAX_KEPT = 10_000;

  private final Transport transport;
  private final Duration idle;

  QueueScan(Transport transport, Duration idle) {
    this.transport = transport;
    this.idle = idle;
  }

  /** Walks {@code queue}; returns how many messages were seen. */
  int walk(String queue, Visitor visitor) {
    long bound = startDepth(queue);
    BlockingQueue<Delivery> arrived = new LinkedBlockingQueue<>();
    ConsumerOptions options =
        ConsumerOptions.builder()
            .setConcurrency(1)
            .setPrefetch(MAX_KEPT)
            .setLease(LEASE)
            .setShutdownTimeout(Duration.ofSeconds(5))
            .build();
    List<Delivery> kept = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    int count = 0;
    Subscription s = transport.subscribe(queue, options, arrived::add);
    try {
      while (count < bound && kept.size() < MAX_KEPT) {
        // Messages the broker counted are expected: give a cold client time to fetch them.
        long wait = bound == Long.MAX_VALUE ? idle.toMillis() : Math.max(idle.toMillis(), 15_000);
        Delivery d = arrived.poll(wait, TimeUnit.MILLISECONDS);
        if (d == null) {
          break;
        }
        if (!d.messageId().isEmpty() && !seen.add(d.messageId())) {
          kept.add(d);
          break;
        }
        count++;
        Outcome o = visitor.visit(d);
        if (o != Outcome.SETTLED) {
          kept.add(d);
        }
        if (o == Outcome.STOP) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      // Stop receiving first, or the transport would receive what is released at once again.
      s.close();
      kept.addAll(arrived); // handed over but not looked at
      release(kept);
    }
    return count;
  }

  /**
   * How many messages the walk may see: the queue's ready count, after waiting up to {@link #LEASE}
   * for messages in flight to come back (on SQS, those a previous walk's cut-off receive took).
   */
  private long startDepth(String queue) {
    Optional<QueueAdmin> admin = transport.queueAdmin();
    if (admin.isEmpty()) {
      return Long.MAX_VALUE;
    }
    long deadline = System.nanoTime() + LEASE.plusSeconds(1).toNanos();
    QueueDepth d = admin.get().depth(queue);
    while (d.inFlight() > 0 && System.nanoTime() < deadline) {
      try {
        TimeUnit.MILLISECONDS.sleep(250); // polling the broker's count, not waiting for a result
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      d = admin.get().depth(queue);
    }
    return d.ready() < 0 ? Long.MAX_VALUE : d.ready();
  }

  /**
   * Gives {@code kept} back. After the subscription closed, RabbitMQ has requeued them already (the
   * channel closed) and the release is a no-op; SQS makes them visible again.
   */
  private static void release(List<Delivery> kept) {
    List<CompletableFuture<Void>> releases = new ArrayList<>(kept.size());
    for (Delivery d : kept) {
      releases.add(
          d.release()
              .exceptionally(
                  e -> {
                    log.warn(
                        "could not give message {} back to queue {} at once: {}; it comes back"
                            + " when its lease ends",
                        LogSafe.of(d.messageId()),
                        LogSafe.of(d.queue()),
                        LogSafe.of(e));
                    return null;
                  }));
    }
    try {
      CompletableFuture.allOf(releases.toArray(new CompletableFuture<?>[0]))
          .get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn(
          "giving {} message(s) back to their queue did not finish: {}; they come back when their"
              + " lease ends",
          kept.size(),
          e.toString());
    }
  }
}
