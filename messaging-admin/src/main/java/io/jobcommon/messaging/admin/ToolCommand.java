package io.jobcommon.messaging.admin;

import io.jobcommon.messaging.spi.LogSafe;
import io.jobcommon.messaging.spi.TransportSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One parsed command line of the {@link DeadLetterTool}. Immutable.
 *
 * @param name list, peek, redrive or purge
 * @param queues the queues named
 * @param count how many dead letters peek shows
 * @param bodyChars how much of a body peek shows
 * @param filter what redrive moves
 * @param dryRun whether redrive only counts
 * @param yes whether purge is confirmed already
 */
record ToolCommand(
    String name,
    List<String> queues,
    int count,
    int bodyChars,
    RedriveFilter filter,
    boolean dryRun,
    boolean yes) {

  String queue() {
    return queues.get(0);
  }

  static ToolCommand parse(String[] args) {
    if (args.length == 0) {
      throw new IllegalArgumentException("no command given");
    }
    String name = args[0];
    if (!List.of("list", "peek", "redrive", "purge").contains(name)) {
      throw new IllegalArgumentException("unknown command '" + LogSafe.of(name, 80) + "'");
    }
    List<String> queues = new ArrayList<>();
    int count = 10;
    int bodyChars = 120;
    RedriveFilter filter = RedriveFilter.all();
    Set<String> ids = new LinkedHashSet<>();
    boolean dryRun = false;
    boolean yes = false;
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--count" -> count = positive(a, value(args, ++i, a));
        case "--body-chars" -> bodyChars = positive(a, value(args, ++i, a));
        case "--reason-prefix" -> filter = filter.withReasonPrefix(value(args, ++i, a));
        case "--older-than" -> filter = filter.withOlderThan(duration(a, value(args, ++i, a)));
        case "--newer-than" -> filter = filter.withNewerThan(duration(a, value(args, ++i, a)));
        case "--message-id" -> ids.add(value(args, ++i, a));
        case "--limit" -> filter = filter.withLimit(positive(a, value(args, ++i, a)));
        case "--include-redriven" -> filter = filter.withIncludeRedriven(true);
        case "--dry-run" -> dryRun = true;
        case "--yes" -> yes = true;
        default -> {
          if (a.startsWith("--")) {
            throw new IllegalArgumentException("unknown option '" + LogSafe.of(a, 80) + "'");
          }
          queues.add(a);
        }
      }
    }
    if (!ids.isEmpty()) {
      filter = filter.withMessageIds(ids);
    }
    if (!name.equals("list") && queues.size() != 1) {
      throw new IllegalArgumentException(name + " needs exactly one QUEUE, got " + queues.size());
    }
    return new ToolCommand(name, List.copyOf(queues), count, bodyChars, filter, dryRun, yes);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static int positive(String option, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        option + " needs a whole number of at least 1, got '" + LogSafe.of(value, 80) + "'");
  }

  private static Duration duration(String option, String value) {
    Duration d = TransportSettings.of(Map.of(option, value)).getDuration(option, Duration.ZERO);
    if (d.isZero()) {
      throw new IllegalArgumentException(
          option + " needs a positive duration such as 30m or 2h, got '" + value + "'");
    }
    return d;
  }
}
