package io.jobcommon.messaging.admin;

import io.jobcommon.messaging.MessagingException;
import io.jobcommon.messaging.OutgoingMessage;
import io.jobcommon.messaging.spi.DeadLetters;
import io.jobcommon.messaging.spi.Delivery;
import io.jobcommon.messaging.spi.LogSafe;
import io.jobcommon.messaging.spi.QueueAdmin;
import io.jobcommon.messaging.spi.QueueDepth;
import io.jobcommon.messaging.spi.StandardHeaders;
import io.jobcommon.messaging.spi.Transport;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead letters you can act on, on any transport: list dead-letter queues with their depth, peek
 * into one, redrive dead letters to their original queue, purge. A redrive moves each message by a
 * confirmed send of a copy (body and headers, trace context included, the attempt count reset, the
 * redrive counted in {@value #REDRIVE_COUNT} and timed in {@value #REDRIVEN_AT}), then deletes the
 * dead letter: a redrive killed half-way loses nothing (a message may then be in both queues). A
 * message redriven before is not redriven again unless the filter says so, so that a message that
 * fails for good cannot loop.
 *
 * <pre>{@code
 * DeadLetterAdmin admin = DeadLetterAdmin.create(transport);
 * RedriveReport r = admin.redrive("orders-queue", RedriveFilter.all().withReasonPrefix("timeout"),
 *     false, progress -> {});
 * }</pre>
 *
 * <p>Queue names may be given as the original queue or as its dead-letter queue. One operation at a
 * time per instance; the transport stays the caller's to close. Values are non-null.
 */
public final class DeadLetterAdmin {
  /** Header counting how often a message was redriven. */
  public static final String REDRIVE_COUNT = "jc-redrive-count";

  /** Header with the time of the last redrive (ISO-8601). */
  public static final String REDRIVEN_AT = "jc-redriven-at";

  private static final Logger log = LoggerFactory.getLogger(DeadLetterAdmin.class);

  /** How often a long redrive reports progress, in messages examined. */
  static final int PROGRESS_EVERY = 100;

  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);

  private final Transport transport;
  private final Clock clock;
  private final Duration idle;

  private DeadLetterAdmin(Transport transport, Clock clock, Duration idle) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.idle = Objects.requireNonNull(idle, "idle");
  }

  /** On {@code transport}, waiting up to 3 s for the next message before a walk ends. */
  public static DeadLetterAdmin create(Transport transport) {
    return new DeadLetterAdmin(transport, Clock.systemUTC(), Duration.ofSeconds(3));
  }

  /** On {@code transport} with a clock (for ages) and the wait for the next message. */
  public static DeadLetterAdmin create(Transport transport, Clock clock, Duration idle) {
    return new DeadLetterAdmin(transport, clock, idle);
  }

  /** The dead-letter queue of {@code queue}, or {@code queue} itself when it is one. */
  public static String deadLetterQueueOf(String queue) {
    return isDeadLetterQueue(queue) ? queue : DeadLetters.queueName(queue);
  }

  static boolean isDeadLetterQueue(String queue) {
    return queue.endsWith("-dlq") || queue.endsWith("-dlq.fifo");
  }

  /** The queue a dead letter of {@code dlq} came from, by name. */
  static String originalOf(String dlq) {
    if (dlq.endsWith("-dlq.fifo")) {
      return dlq.substring(0, dlq.length() - "-dlq.fifo".length()) + ".fifo";
    }
    return dlq.endsWith("-dlq") ? dlq.substring(0, dlq.length() - "-dlq".length()) : dlq;
  }

  /**
   * The depth of the dead-letter queues of {@code queues}; with none given, of every dead-letter
   * queue the broker lists.
   *
   * @throws MessagingException when the transport cannot tell depths, or cannot list queues and
   *     none were named
   */
  public List<QueueDepth> list(List<String> queues) {
    QueueAdmin admin =
        transport
            .queueAdmin()
            .orElseThrow(
                () ->
                    new MessagingException(
                        "the " + transport.system() + " transport cannot tell queue depths"));
    List<String> dlqs = new ArrayList<>();
    if (queues.isEmpty()) {
      List<String> all =
          admin
              .listQueues("")
              .orElseThrow(
                  () ->
                      new MessagingException(
                          transport.system()
                              + " cannot list queues over this connection; name them, such as"
                              + " 'list orders-queue invoices-queue'"));
      all.stream().filter(DeadLetterAdmin::isDeadLetterQueue).forEach(dlqs::add);
    } else {
      queues.forEach(q -> dlqs.add(deadLetterQueueOf(q)));
    }
    List<QueueDepth> out = new ArrayList<>(dlqs.size());
    for (String dlq : dlqs) {
      out.add(admin.depth(dlq));
    }
    return out;
  }

  /**
   * Up to {@code max} dead letters of {@code queue}'s dead-letter queue, left in place, with bodies
   * cut to {@code previewChars} characters.
   */
  public List<DeadLetter> peek(String queue, int max, int previewChars) {
    if (max < 1 || previewChars < 1) {
      throw new IllegalArgumentException("max and previewChars must be at least 1");
    }
    List<DeadLetter> out = new ArrayList<>();
    new QueueScan(transport, idle)
        .walk(
            deadLetterQueueOf(queue),
            d -> {
              out.add(DeadLetter.of(d, previewChars));
              return out.size() >= max ? QueueScan.Outcome.STOP : QueueScan.Outcome.KEEP;
            });
    return out;
  }

  /**
   * Moves the dead letters of {@code queue}'s dead-letter queue that {@code filter} selects back to
   * their original queue; a dry run only counts them. {@code progress} gets the running totals
   * every {@value #PROGRESS_EVERY} dead letters examined.
   */
  public RedriveReport redrive(
      String queue, RedriveFilter filter, boolean dryRun, Consumer<RedriveReport> progress) {
    String dlq = deadLetterQueueOf(queue);
    int[] n = new int[5]; // examined, moved, skipped, skippedRedriven, failed
    new QueueScan(transport, idle)
        .walk(
            dlq,
            d -> {
              QueueScan.Outcome o = redriveOne(d, dlq, filter, dryRun, n);
              if (n[0] % PROGRESS_EVERY == 0) {
                progress.accept(report(dlq, n, dryRun));
              }
              return n[1] >= filter.limit() ? QueueScan.Outcome.STOP : o;
            });
    return report(dlq, n, dryRun);
  }

  private QueueScan.Outcome redriveOne(
      Delivery d, String dlq, RedriveFilter filter, boolean dryRun, int[] n) {
    n[0]++;
    DeadLetter letter = DeadLetter.of(d, 1);
    Optional<String> rejected = filter.rejects(letter, clock.instant());
    if (rejected.isPresent()) {
      n[2]++;
      if (rejected.get().equals("redriven before")) {
        n[3]++;
      }
      return QueueScan.Outcome.KEEP;
    }
    if (dryRun) {
      n[1]++;
      return QueueScan.Outcome.KEEP;
    }
    String target = letter.originalQueue().orElse(originalOf(dlq));
    try {
      transport
          .send(copy(d, target, letter.redriveCount()))
          .get(SEND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      d.ack().get(SEND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      n[1]++;
      return QueueScan.Outcome.SETTLED;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        n[4]++;
        return QueueScan.Outcome.STOP;
      }
      n[4]++;
      log.warn(
          "could not move message {} to queue '{}'; it stays in '{}': {}",
          LogSafe.of(d.messageId()),
          LogSafe.of(target),
          dlq,
          LogSafe.of(e.getCause() != null ? e.getCause() : e));
      return QueueScan.Outcome.KEEP;
    }
  }

  private OutgoingMessage copy(Delivery d, String target, int redriveCount) {
    Map<String, String> headers = new LinkedHashMap<>(d.headers());
    headers.remove(StandardHeaders.DEAD_LETTER_REASON);
    headers.remove(StandardHeaders.ORIGINAL_QUEUE);
    headers.remove(StandardHeaders.ATTEMPTS);
    headers.remove(StandardHeaders.FAILED_AT);
    headers.remove(StandardHeaders.ATTEMPT);
    headers.put(REDRIVE_COUNT, Integer.toString(redriveCount + 1));
    headers.put(REDRIVEN_AT, clock.instant().toString());
    return OutgoingMessage.builder(target).setBody(d.body()).setHeaders(headers).build();
  }

  private static RedriveReport report(String dlq, int[] n, boolean dryRun) {
    return new RedriveReport(dlq, n[0], n[1], n[2], n[3], n[4], dryRun);
  }

  /** Deletes every message of {@code queue}'s dead-letter queue; returns how many. */
  public int purge(String queue) {
    int[] purged = {0};
    new QueueScan(transport, idle)
        .walk(
            deadLetterQueueOf(queue),
            d -> {
              d.ack().join();
              purged[0]++;
              return QueueScan.Outcome.SETTLED;
            });
    return purged[0];
  }
}
