package io.jobcommon.messaging.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which dead letters a redrive moves. Every condition set must hold. By default: all, at most
 * {@link Integer#MAX_VALUE}, but never one that was redriven before (a message that failed again
 * after a redrive needs a fix, not another round). Immutable; build with {@link #all()} and the
 * {@code with*} methods.
 *
 * @param reasonPrefix only reasons starting with this
 * @param olderThan only dead letters that failed at least this long ago
 * @param newerThan only dead letters that failed at most this long ago
 * @param messageIds only these message ids (empty: any)
 * @param limit move at most this many
 * @param includeRedriven also move messages redriven before
 */
public record RedriveFilter(
    Optional<String> reasonPrefix,
    Optional<Duration> olderThan,
    Optional<Duration> newerThan,
    Set<String> messageIds,
    int limit,
    boolean includeRedriven) {

  /** Copies the set; checks the limit. */
  public RedriveFilter {
    Objects.requireNonNull(reasonPrefix, "reasonPrefix");
    Objects.requireNonNull(olderThan, "olderThan");
    Objects.requireNonNull(newerThan, "newerThan");
    messageIds = Set.copyOf(messageIds);
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
  }

  /** Every dead letter not redriven before. */
  public static RedriveFilter all() {
    return new RedriveFilter(
        Optional.empty(), Optional.empty(), Optional.empty(), Set.of(), Integer.MAX_VALUE, false);
  }

  /** Only dead letters whose reason starts with {@code prefix}. */
  public RedriveFilter withReasonPrefix(String prefix) {
    return new RedriveFilter(
        Optional.of(prefix), olderThan, newerThan, messageIds, limit, includeRedriven);
  }

  /** Only dead letters that failed at least {@code age} ago. */
  public RedriveFilter withOlderThan(Duration age) {
    return new RedriveFilter(
        reasonPrefix, Optional.of(age), newerThan, messageIds, limit, includeRedriven);
  }

  /** Only dead letters that failed at most {@code age} ago. */
  public RedriveFilter withNewerThan(Duration age) {
    return new RedriveFilter(
        reasonPrefix, olderThan, Optional.of(age), messageIds, limit, includeRedriven);
  }

  /** Only these message ids (of the dead-lettered copies, as {@code peek} shows them). */
  public RedriveFilter withMessageIds(Set<String> ids) {
    return new RedriveFilter(reasonPrefix, olderThan, newerThan, ids, limit, includeRedriven);
  }

  /** Move at most {@code max} messages. */
  public RedriveFilter withLimit(int max) {
    return new RedriveFilter(reasonPrefix, olderThan, newerThan, messageIds, max, includeRedriven);
  }

  /** Whether messages redriven before are moved again. */
  public RedriveFilter withIncludeRedriven(boolean include) {
    return new RedriveFilter(reasonPrefix, olderThan, newerThan, messageIds, limit, include);
  }

  /** Why {@code letter} is not moved at {@code now}, or empty when it is. */
  Optional<String> rejects(DeadLetter letter, Instant now) {
    if (!includeRedriven && letter.redriveCount() > 0) {
      return Optional.of("redriven before");
    }
    if (!messageIds.isEmpty() && !messageIds.contains(letter.messageId())) {
      return Optional.of("message id");
    }
    if (reasonPrefix.isPresent()
        && !letter.reason().map(r -> r.startsWith(reasonPrefix.get())).orElse(false)) {
      return Optional.of("reason");
    }
    if (olderThan.isPresent() || newerThan.isPresent()) {
      if (letter.failedAt().isEmpty()) {
        return Optional.of("no failed-at time");
      }
      Duration age = Duration.between(letter.failedAt().get(), now);
      if (olderThan.isPresent() && age.compareTo(olderThan.get()) < 0) {
        return Optional.of("too new");
      }
      if (newerThan.isPresent() && age.compareTo(newerThan.get()) > 0) {
        return Optional.of("too old");
      }
    }
    return Optional.empty();
  }
}
