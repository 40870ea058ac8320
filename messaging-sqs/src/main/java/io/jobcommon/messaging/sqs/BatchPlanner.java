package io.jobcommon.messaging.sqs;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits entries into SendMessageBatch calls of at most {@link SqsLimits#MAX_BATCH_ENTRIES} entries
 * and {@link SqsLimits#MAX_MESSAGE_BYTES} bytes, keeping their order. Every entry is at most the
 * byte limit itself (checked before).
 */
final class BatchPlanner {
  private BatchPlanner() {}

  /**
   * Groups entries into as few SQS batch calls as the entry-count and payload-size limits allow.
   *
   * @param sizes the size of each entry, as SQS counts it
   * @return the entries' indexes, grouped by call
   */
  static List<List<Integer>> plan(List<Long> sizes, int maxEntries, long maxBytes) {
    List<List<Integer>> batches = new ArrayList<>();
    List<Integer> current = new ArrayList<>();
    long bytes = 0;
    for (int i = 0; i < sizes.size(); i++) {
      long size = sizes.get(i);
      if (!current.isEmpty() && (current.size() == maxEntries || bytes + size > maxBytes)) {
        batches.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(i);
      bytes += size;
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }

  static List<List<Integer>> plan(List<Long> sizes) {
    return plan(sizes, SqsLimits.MAX_BATCH_ENTRIES, SqsLimits.MAX_MESSAGE_BYTES);
  }
}
