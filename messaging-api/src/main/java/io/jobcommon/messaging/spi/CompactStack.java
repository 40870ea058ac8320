package io.jobcommon.messaging.spi;

/**
 * A throwable as one short log line: its class, its message (neutralised by {@link LogSafe}) and
 * the first few frames of its stack with runs of the same frame folded, so that a {@code
 * StackOverflowError}'s 1,024 frames become a handful of words. Stateless and thread-safe.
 *
 * <pre>{@code
 * log.warn("handler failed: {}", CompactStack.of(error, 8));
 * // java.lang.StackOverflowError (1024 frames) at app.Walker.walk(Walker.java:12) x1024
 * }</pre>
 */
public final class CompactStack {
  private CompactStack() {}

  /**
   * The class, message and at most {@code groups} groups of frames (a group is one frame, or a run
   * of the same frame, shown with its count).
   *
   * @param groups at least 1
   */
  public static String of(Throwable t, int groups) {
    StringBuilder out = new StringBuilder(t.getClass().getName());
    if (t.getMessage() != null) {
      out.append(": ").append(LogSafe.of(t.getMessage()));
    }
    StackTraceElement[] stack = t.getStackTrace();
    out.append(" (").append(stack.length).append(" frames)");
    int shown = 0;
    int i = 0;
    while (i < stack.length && shown < groups) {
      int run = 1;
      while (i + run < stack.length && stack[i + run].equals(stack[i])) {
        run++;
      }
      out.append(shown == 0 ? " at " : " < ").append(stack[i]);
      if (run > 1) {
        out.append(" x").append(run);
      }
      i += run;
      shown++;
    }
    if (i < stack.length) {
      out.append(" ...");
    }
    return out.toString();
  }
}
