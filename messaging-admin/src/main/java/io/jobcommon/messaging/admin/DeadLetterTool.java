package io.jobcommon.messaging.admin;

import io.jobcommon.messaging.ConfigurationException;
import io.jobcommon.messaging.MessagingException;
import io.jobcommon.messaging.spi.LogSafe;
import io.jobcommon.messaging.spi.QueueDepth;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.spi.TransportProvider;
import io.jobcommon.messaging.spi.TransportSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The dead-letter tool: {@code java -jar messaging-admin.jar list|peek|redrive|purge ...},
 * configured by the runtime's environment variables ({@code MESSAGING_BROKER} and the broker's
 * own). Exit code 0 on success, 1 when an operation failed, 2 on a usage or configuration error.
 * Not thread-safe (a command-line entry point).
 */
public final class DeadLetterTool {
  static final int EXIT_OK = 0;
  static final int EXIT_FAILURE = 1;
  static final int EXIT_USAGE = 2;

  static final String USAGE =
      String.join(
          System.lineSeparator(),
          "usage: java -jar messaging-admin.jar COMMAND [OPTIONS]",
          "  list [QUEUE...]          dead-letter queues and their depth (RabbitMQ: name the"
              + " queues)",
          "  peek QUEUE [--count N] [--body-chars N]",
          "                           show dead letters (reason, attempts, original queue,"
              + " failed-at, trace id, body preview); they stay",
          "  redrive QUEUE [--reason-prefix TEXT] [--older-than DURATION] [--newer-than DURATION]",
          "                [--message-id ID]... [--limit N] [--include-redriven] [--dry-run]",
          "                           move dead letters back to their original queue",
          "  purge QUEUE [--yes]      delete every dead letter (asks for the queue name unless"
              + " --yes)",
          "QUEUE is a queue or its dead-letter queue. The broker is configured as for the runtime:"
              + " MESSAGING_BROKER=sqs|rabbitmq, RABBITMQ_URL, AWS_REGION, SQS_ENDPOINT, ...");

  private final PrintStream out;
  private final PrintStream err;
  private final BufferedReader in;

  private DeadLetterTool(PrintStream out, PrintStream err, BufferedReader in) {
    this.out = out;
    this.err = err;
    this.in = in;
  }

  /** Runs one command and exits with its code. */
  public static void main(String[] args) {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    System.exit(run(args, System.getenv(), System.out, System.err, in));
  }

  static int run(
      String[] args, Map<String, String> env, PrintStream out, PrintStream err, BufferedReader in) {
    ToolCommand command;
    try {
      command = ToolCommand.parse(args);
    } catch (IllegalArgumentException | ConfigurationException e) {
      err.println("usage error: " + e.getMessage());
      err.println(USAGE);
      return EXIT_USAGE;
    }
    Transport transport;
    try {
      transport = transport(TransportSettings.of(env));
    } catch (ConfigurationException e) {
      err.println("configuration error: " + e.getMessage());
      return EXIT_USAGE;
    } catch (MessagingException e) {
      err.println("cannot connect: " + LogSafe.of(e.getMessage(), 2048));
      return EXIT_FAILURE;
    }
    try (transport) {
      return new DeadLetterTool(out, err, in).execute(command, DeadLetterAdmin.create(transport));
    } catch (MessagingException e) {
      err.println("failed: " + LogSafe.of(e.getMessage(), 2048));
      return EXIT_FAILURE;
    }
  }

  static Transport transport(TransportSettings settings) {
    String broker =
        settings.require("MESSAGING_BROKER", "sqs or rabbitmq").trim().toLowerCase(Locale.ROOT);
    List<String> found = new ArrayList<>();
    for (TransportProvider p : ServiceLoader.load(TransportProvider.class)) {
      if (p.name().equals(broker)) {
        return p.create(settings);
      }
      found.add(p.name());
    }
    throw new ConfigurationException(
        "MESSAGING_BROKER",
        "MESSAGING_BROKER is not a broker this tool carries: '"
            + broker
            + "' (expected one of "
            + found
            + ")");
  }

  private int execute(ToolCommand c, DeadLetterAdmin admin) {
    switch (c.name()) {
      case "list":
        return list(admin, c.queues());
      case "peek":
        return peek(admin, c);
      case "redrive":
        return redrive(admin, c);
      default:
        return purge(admin, c);
    }
  }

  private int list(DeadLetterAdmin admin, List<String> queues) {
    List<QueueDepth> depths = admin.list(queues);
    out.printf("%-48s %10s %10s%n", "DEAD-LETTER QUEUE", "MESSAGES", "IN FLIGHT");
    for (QueueDepth d : depths) {
      out.printf(
          "%-48s %10d %10s%n",
          d.queue(), d.ready(), d.inFlight() < 0 ? "-" : Long.toString(d.inFlight()));
    }
    out.println(depths.size() + " dead-letter queue(s)");
    return EXIT_OK;
  }

  private int peek(DeadLetterAdmin admin, ToolCommand c) {
    List<DeadLetter> letters = admin.peek(c.queue(), c.count(), c.bodyChars());
    for (DeadLetter l : letters) {
      out.println("message " + LogSafe.of(l.messageId()));
      out.println("  reason:      " + l.reason().map(LogSafe::of).orElse("-"));
      out.println(
          "  attempts:    "
              + l.attempts().map(String::valueOf).orElse("-")
              + "   redriven: "
              + l.redriveCount());
      out.println("  from queue:  " + l.originalQueue().map(LogSafe::of).orElse("-"));
      out.println("  failed at:   " + l.failedAt().map(String::valueOf).orElse("-"));
      out.println("  trace id:    " + l.traceId().orElse("-"));
      out.println("  body:        " + l.bodyPreview() + "  (" + l.bodySize() + " bytes)");
    }
    out.println(
        letters.size()
            + " dead letter(s) shown from "
            + DeadLetterAdmin.deadLetterQueueOf(c.queue())
            + "; they stay in the queue");
    return EXIT_OK;
  }

  private int redrive(DeadLetterAdmin admin, ToolCommand c) {
    RedriveReport r =
        admin.redrive(
            c.queue(),
            c.filter(),
            c.dryRun(),
            p -> out.println("... examined " + p.examined() + ", moved " + p.moved()));
    out.println(
        (r.dryRun() ? "dry run: would move " : "moved ")
            + r.moved()
            + " of "
            + r.examined()
            + " dead letter(s) examined in "
            + r.queue()
            + "; skipped "
            + r.skipped()
            + " (of which "
            + r.skippedRedriven()
            + " redriven before: add --include-redriven to move them again); failed "
            + r.failed());
    return r.succeeded() ? EXIT_OK : EXIT_FAILURE;
  }

  private int purge(DeadLetterAdmin admin, ToolCommand c) {
    String dlq = DeadLetterAdmin.deadLetterQueueOf(c.queue());
    if (!c.yes()) {
      out.print("this deletes every message in " + dlq + "; type its name to confirm: ");
      out.flush();
      String answer;
      try {
        answer = in.readLine();
      } catch (IOException e) {
        answer = null;
      }
      if (answer == null || !answer.trim().equals(dlq)) {
        err.println("not confirmed; nothing deleted");
        return EXIT_FAILURE;
      }
    }
    int purged = admin.purge(c.queue());
    out.println("purged " + purged + " dead letter(s) from " + dlq);
    return EXIT_OK;
  }
}
