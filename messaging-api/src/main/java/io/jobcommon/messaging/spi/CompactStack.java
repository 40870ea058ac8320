package io.jobcommon.messaging.spi;

import org.jspecify.annotations.Nullable;

/**
 * Throwables made fit for a log line: {@link #of} gives one short line (class, message neutralised
 * by {@link LogSafe}, the first few frames with runs of the same frame folded, so that a {@code
 * StackOverflowError}'s 1,024 frames become a handful of words); {@link #safe} gives a throwable to
 * log with its stack trace whose messages cannot forge log lines. Stateless and thread-safe.
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

  /**
   * {@code t} itself when no message in its cause chain needs neutralising, else a stand-in with
   * the same stack traces whose messages are {@code <original class>: <LogSafe'd message>}: an
   * exception message quoting a message id or header (CR, LF, control characters) then cannot forge
   * a log line when a logger prints the trace.
   */
  public static Throwable safe(Throwable t) {
    return isClean(t, 0) ? t : neutralised(t, 0);
  }

  private static boolean isClean(@Nullable Throwable t, int depth) {
    if (t == null || depth > 16) {
      return true;
    }
    String m = t.getMessage();
    return (m == null || LogSafe.of(m, MAX_MESSAGE).equals(m)) && isClean(t.getCause(), depth + 1);
  }

  private static Throwable neutralised(Throwable t, int depth) {
    Throwable cause =
        t.getCause() == null || depth > 16 ? null : neutralised(t.getCause(), depth + 1);
    String m = t.getMessage();
    Neutralised n =
        new Neutralised(
            t.getClass().getName() + (m == null ? "" : ": " + LogSafe.of(m, MAX_MESSAGE)), cause);
    n.setStackTrace(t.getStackTrace());
    return n;
  }

  private static final int MAX_MESSAGE = 2048;

  /** A stand-in for a throwable whose message was neutralised; its message names the original. */
  static final class Neutralised extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Neutralised(String message, @Nullable Throwable cause) {
      super(message, cause, false, true);
    }
  }
}
