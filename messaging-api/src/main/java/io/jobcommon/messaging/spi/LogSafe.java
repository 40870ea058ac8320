package io.jobcommon.messaging.spi;

import org.jspecify.annotations.Nullable;

/**
 * Makes a value that came from a broker or a message (a message id, a header, a queue name carried
 * in a header, a dead-letter reason, an exception message quoting any of them) safe to put in a log
 * line or a span attribute: control characters (CR and LF included) and Unicode line and paragraph
 * separators are escaped as {@code \n}, {@code \r}, {@code \t} or {@code \\uXXXX}, so one value can
 * never forge a second log line, and the result is capped in length. Stateless and thread-safe.
 *
 * <pre>{@code
 * log.warn("message {} could not be decoded", LogSafe.of(delivery.messageId()));
 * }</pre>
 */
public final class LogSafe {

  /** The default cap, in characters, of a neutralised value (before the truncation marker). */
  public static final int DEFAULT_MAX_LENGTH = 256;

  private LogSafe() {}

  /** {@link #of(Object, int)} with {@link #DEFAULT_MAX_LENGTH}. */
  public static String of(@Nullable Object value) {
    return of(value, DEFAULT_MAX_LENGTH);
  }

  /**
   * The value's {@code toString()} with control characters escaped, cut to {@code maxLength}
   * characters of the original text and marked {@code …(+N chars)} when cut. {@code null} gives
   * {@code "null"}.
   *
   * @param maxLength at least 1
   */
  public static String of(@Nullable Object value, int maxLength) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be at least 1, was " + maxLength);
    }
    String text = String.valueOf(value);
    int length = text.length();
    int end = Math.min(length, maxLength);
    if (end < length && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // never split a surrogate pair
    }
    if (end == length && isClean(text)) {
      return text;
    }
    StringBuilder out = new StringBuilder(end + 16);
    for (int i = 0; i < end; i++) {
      appendEscaped(out, text.charAt(i));
    }
    if (end < length) {
      out.append("…(+").append(length - end).append(" chars)");
    }
    return out.toString();
  }

  private static boolean isClean(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (needsEscape(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean needsEscape(char c) {
    return Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u0085';
  }

  private static void appendEscaped(StringBuilder out, char c) {
    switch (c) {
      case '\n' -> out.append("\\n");
      case '\r' -> out.append("\\r");
      case '\t' -> out.append("\\t");
      default -> {
        if (needsEscape(c)) {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
    }
  }
}
