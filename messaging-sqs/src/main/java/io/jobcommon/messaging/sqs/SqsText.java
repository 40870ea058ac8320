package io.jobcommon.messaging.sqs;

import io.jobcommon.messaging.SendFailedException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** What SQS accepts as text in bodies, attribute names and attribute values. Not instantiable. */
final class SqsText {
  private SqsText() {}

  /**
   * {@code body} as a string when it is strict UTF-8 made only of characters SQS accepts (#x9, #xA,
   * #xD, #x20 to #xD7FF, #xE000 to #xFFFD, #x10000 to #x10FFFF), else null.
   */
  static @Nullable String textOrNull(byte[] body) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body))
              .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    return isSqsText(text) ? text : null;
  }

  static boolean isSqsText(String s) {
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      boolean ok =
          c == 0x9
              || c == 0xA
              || c == 0xD
              || (c >= 0x20 && c <= 0xD7FF)
              || (c >= 0xE000 && c <= 0xFFFD)
              || (c >= 0x10000 && c <= 0x10FFFF);
      if (!ok) {
        return false;
      }
      i += Character.charCount(c);
    }
    return true;
  }

  /** {@code s} with every character SQS refuses replaced by U+FFFD. */
  static String sanitize(String s) {
    if (isSqsText(s)) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(c -> b.appendCodePoint(isSqsText(Character.toString(c)) ? c : 0xFFFD));
    return b.toString();
  }

  /** SQS attribute names: letters, digits, {@code _ - .}; no leading, trailing or double dot. */
  static void checkName(String queue, String name) {
    String problem = null;
    if (name.length() > SqsLimits.MAX_ATTRIBUTE_NAME_LENGTH) {
      problem = "is longer than " + SqsLimits.MAX_ATTRIBUTE_NAME_LENGTH + " characters";
    } else if (!name.matches("[A-Za-z0-9_.\\-]+")) {
      problem = "may only contain letters, digits, '_', '-' and '.'";
    } else if (name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
      problem = "must not start or end with '.' or contain '..'";
    } else {
      String lower = name.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("aws.") || lower.startsWith("amazon.")) {
        problem = "must not start with 'AWS.' or 'Amazon.' (reserved by SQS)";
      }
    }
    if (problem != null) {
      throw new SendFailedException(
          queue,
          "header name '"
              + name
              + "' of a message to queue '"
              + queue
              + "' cannot be an SQS message attribute: it "
              + problem
              + "; rename the header",
          null);
    }
  }

  static void checkValue(String queue, String name, String value) {
    if (!isSqsText(value)) {
      throw new SendFailedException(
          queue,
          "header '"
              + name
              + "' of a message to queue '"
              + queue
              + "' holds characters SQS refuses in attribute values (control characters or"
              + " unpaired surrogates); encode the value, for example as base64",
          null);
    }
  }
}
