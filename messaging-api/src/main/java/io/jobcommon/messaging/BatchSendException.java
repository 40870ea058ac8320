package io.jobcommon.messaging;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Some entries of a batch send failed. Every entry is accounted for: {@link #sentIds()} maps the
 * index of each entry the broker accepted to its message id, {@link #failures()} maps the index of
 * each failed entry to its cause. Nothing is dropped silently; the caller may re-send the failed
 * entries.
 *
 * <p>Immutable and thread-safe.
 */
public class BatchSendException extends SendFailedException {
  private static final long serialVersionUID = 1L;

  private final int size;
  private final Map<Integer, String> sentIds;
  private final Map<Integer, Throwable> failures;

  /**
   * @param queue the destination queue (the first entry's, for a batch to several queues)
   * @param size the number of entries in the batch
   * @param sentIds index of each accepted entry to its message id; copied
   * @param failures index of each failed entry to its cause; copied, must not be empty
   */
  public BatchSendException(
      String queue, int size, Map<Integer, String> sentIds, Map<Integer, Throwable> failures) {
    super(queue, describe(queue, size, failures), firstCause(failures));
    this.size = size;
    this.sentIds = Collections.unmodifiableMap(new TreeMap<>(sentIds));
    this.failures = Collections.unmodifiableMap(new TreeMap<>(failures));
  }

  /** How many entries the batch had. */
  public int size() {
    return size;
  }

  /** Index of each entry the broker accepted to its message id; unmodifiable. */
  public Map<Integer, String> sentIds() {
    return sentIds;
  }

  /** Index of each failed entry to its cause; unmodifiable, never empty. */
  public Map<Integer, Throwable> failures() {
    return failures;
  }

  /** The cause of the entry at {@code index}, if it failed. */
  public Optional<Throwable> failure(int index) {
    return Optional.ofNullable(failures.get(index));
  }

  private static String describe(String queue, int size, Map<Integer, Throwable> failures) {
    if (failures.isEmpty()) {
      throw new IllegalArgumentException("a BatchSendException needs at least one failure");
    }
    Map.Entry<Integer, Throwable> first = new TreeMap<>(failures).firstEntry();
    return failures.size()
        + " of "
        + size
        + " messages to queue '"
        + queue
        + "' were not sent (first: entry "
        + first.getKey()
        + ": "
        + first.getValue().getMessage()
        + "); the others were sent. Re-send the failed entries listed in failures().";
  }

  private static @Nullable Throwable firstCause(Map<Integer, Throwable> failures) {
    return failures.isEmpty() ? null : new TreeMap<>(failures).firstEntry().getValue();
  }
}
