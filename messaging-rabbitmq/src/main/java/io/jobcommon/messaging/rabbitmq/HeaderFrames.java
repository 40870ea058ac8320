package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.Frame;
import io.jobcommon.messaging.spi.LogSafe;
import io.jobcommon.messaging.spi.StandardHeaders;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Checks the header table of an incoming content-header frame the way amqp-client 5.x will read it,
 * before it does, and rewrites a frame it would refuse. amqp-client throws {@code
 * MalformedFrameException} on the connection's reader thread for a table nested deeper than 32
 * levels, an unknown field type or a length past the frame; that kills the whole connection, the
 * broker redelivers the same message after recovery, and the consumer never gets past it. RabbitMQ
 * itself accepts such messages from any producer.
 *
 * <p>A rewritten frame keeps every readable top-level header byte for byte, drops the unreadable
 * ones, and adds {@value StandardHeaders#UNREADABLE_HEADERS} (why) and {@value #RAW_HEADERS} (the
 * original table's bytes, when at most {@value #MAX_RAW_BYTES} bytes), so the message is delivered
 * and the consumer dead-letters it with its body. Frames that are fine are returned as they are,
 * without copying. Stateless.
 */
final class HeaderFrames {
  /** The original header table of a rewritten frame, as a byte-array header. */
  static final String RAW_HEADERS = "jc-unreadable-headers-raw";

  static final int MAX_RAW_BYTES = 64 * 1024;

  /** amqp-client's limit: a table or array at a depth above this is refused. */
  static final int MAX_DEPTH = 32;

  private static final int BASIC_CLASS = 60;
  private static final int HEADERS_FLAG = 1 << 13;
  private static final int PROPERTIES_START = 14; // class, weight, body size, flags

  private HeaderFrames() {}

  /** {@code frame} itself, or a copy whose header table amqp-client can read. */
  static Frame sanitize(Frame frame) {
    if (frame == null || frame.getType() != AMQP.FRAME_HEADER) {
      return frame;
    }
    byte[] p = frame.getPayload();
    if (p.length < PROPERTIES_START || u16(p, 0) != BASIC_CLASS) {
      return frame;
    }
    int flags = u16(p, 12);
    if ((flags & 1) != 0) {
      return frame; // a second flags word: not a property list this client version writes
    }
    try {
      int pos = skipShortstrs(p, PROPERTIES_START, flags, 15, 14);
      if ((flags & HEADERS_FLAG) == 0) {
        check(p, pos, flags);
        return frame;
      }
      int tableEnd = checkedEnd(p, pos, p.length);
      List<String> problems = new ArrayList<>();
      readable(p, pos, tableEnd, problems, null); // the usual case: checks, copies nothing
      check(p, tableEnd, flags);
      if (problems.isEmpty()) {
        return frame;
      }
      ByteArrayOutputStream keep = new ByteArrayOutputStream();
      readable(p, pos, tableEnd, new ArrayList<>(), keep);
      byte[] kept = keep.toByteArray();
      byte @Nullable [] raw =
          tableEnd - pos - 4 <= MAX_RAW_BYTES ? slice(p, pos + 4, tableEnd) : null;
      return rebuild(frame, p, pos, tableEnd, kept, String.join("; ", problems), raw);
    } catch (Unreadable e) {
      // The property list itself is broken: keep only the body and say why.
      return propertiesOnly(frame, p, "the message properties cannot be read: " + e.getMessage());
    }
  }

  /**
   * Checks the top-level entries of the table at {@code pos}, adding what is wrong to {@code
   * problems}, and copies the readable ones (as table bytes without the length) to {@code kept}
   * when given.
   */
  private static void readable(
      byte[] p, int pos, int end, List<String> problems, @Nullable ByteArrayOutputStream kept) {
    int i = pos + 4;
    while (i < end) {
      int entryStart = i;
      String name;
      int valueStart;
      try {
        int nameLength = u8(p, i, end);
        valueStart = i + 1 + nameLength;
        need(p, valueStart, end);
        name = new String(p, i + 1, nameLength, StandardCharsets.UTF_8);
      } catch (Unreadable e) {
        problems.add("the header table is cut short after " + (i - pos - 4) + " bytes");
        break;
      }
      try {
        i = value(p, valueStart, end, 1);
        if (kept != null
            && !name.equals(StandardHeaders.UNREADABLE_HEADERS)
            && !name.equals(RAW_HEADERS)) {
          kept.write(p, entryStart, i - entryStart);
        }
      } catch (Unreadable e) {
        problems.add("header '" + LogSafe.of(name, 64) + "' " + e.getMessage());
        int skip = skippable(p, valueStart, end);
        if (skip < 0) {
          problems.add("the headers after it cannot be located");
          break;
        }
        i = skip;
      }
    }
  }

  /** Where a table or array value at {@code pos} ends by its own length, or -1 if unknown. */
  private static int skippable(byte[] p, int pos, int end) {
    if (pos >= end || (p[pos] != 'F' && p[pos] != 'A')) {
      return -1;
    }
    try {
      return checkedEnd(p, pos + 1, end);
    } catch (Unreadable e) {
      return -1;
    }
  }

  /** Checks one field value at {@code pos} read at {@code depth}; returns where it ends. */
  private static int value(byte[] p, int pos, int end, int depth) throws Unreadable {
    int tag = u8(p, pos, end);
    int i = pos + 1;
    switch (tag) {
      case 'S':
      case 'x':
        return checkedEnd(p, i, end);
      case 'F':
      case 'A':
        return nested(p, i, end, depth, tag == 'F');
      case 'I':
      case 'i':
      case 'f':
        return need(p, i + 4, end);
      case 'D':
        return need(p, i + 5, end);
      case 'T':
      case 'd':
      case 'l':
        return need(p, i + 8, end);
      case 's':
      case 'u':
        return need(p, i + 2, end);
      case 'b':
      case 'B':
      case 't':
        return need(p, i + 1, end);
      case 'V':
        return i;
      default:
        throw new Unreadable(
            "has a value of unknown AMQP field type "
                + (tag >= 0x21 && tag < 0x7f
                    ? "'" + (char) tag + "'"
                    : "0x" + Integer.toHexString(tag)));
    }
  }

  private static int nested(byte[] p, int pos, int end, int depth, boolean table)
      throws Unreadable {
    if (depth > MAX_DEPTH) {
      throw new Unreadable("nests tables/arrays deeper than " + MAX_DEPTH + " levels");
    }
    int stop = checkedEnd(p, pos, end);
    int i = pos + 4;
    while (i < stop) {
      if (table) {
        i = need(p, i + 1 + u8(p, i, stop), stop);
      }
      i = value(p, i, stop, depth + 1);
    }
    return stop;
  }

  /**
   * The end of a 32-bit length-prefixed block at {@code pos}, which must lie within {@code end}.
   */
  private static int checkedEnd(byte[] p, int pos, int end) throws Unreadable {
    need(p, pos + 4, end);
    long length =
        ((p[pos] & 0xffL) << 24)
            | ((p[pos + 1] & 0xff) << 16)
            | ((p[pos + 2] & 0xff) << 8)
            | (p[pos + 3] & 0xff);
    if (length > end - pos - 4) {
      throw new Unreadable("claims " + length + " bytes, more than the frame holds");
    }
    return pos + 4 + (int) length;
  }

  private static int need(byte[] p, int until, int end) throws Unreadable {
    if (until > end || until > p.length) {
      throw new Unreadable("is cut short by the end of the frame");
    }
    return until;
  }

  private static int u8(byte[] p, int pos, int end) throws Unreadable {
    need(p, pos + 1, end);
    return p[pos] & 0xff;
  }

  private static int u16(byte[] p, int pos) {
    return ((p[pos] & 0xff) << 8) | (p[pos + 1] & 0xff);
  }

  /** Skips the short strings whose flag bits are given, if present; returns the position after. */
  private static int skipShortstrs(byte[] p, int pos, int flags, int... bits) throws Unreadable {
    int i = pos;
    for (int bit : bits) {
      if ((flags & (1 << bit)) != 0) {
        i = need(p, i + 1 + u8(p, i, p.length), p.length);
      }
    }
    return i;
  }

  /** Checks the properties after the header table (delivery mode to cluster id). */
  private static void check(byte[] p, int pos, int flags) throws Unreadable {
    int i = pos;
    for (int bit = 12; bit >= 2; bit--) {
      if ((flags & (1 << bit)) == 0) {
        continue;
      }
      if (bit == 12 || bit == 11) {
        i = need(p, i + 1, p.length);
      } else if (bit == 6) {
        i = need(p, i + 8, p.length);
      } else {
        i = need(p, i + 1 + u8(p, i, p.length), p.length);
      }
    }
  }

  private static Frame rebuild(
      Frame frame,
      byte[] p,
      int tableStart,
      int tableEnd,
      byte[] kept,
      String reason,
      byte @Nullable [] raw) {
    ByteArrayOutputStream table = new ByteArrayOutputStream(kept.length + 256);
    table.write(kept, 0, kept.length);
    writeLongString(table, StandardHeaders.UNREADABLE_HEADERS, 'S', utf8(reason));
    if (raw != null) {
      writeLongString(table, RAW_HEADERS, 'x', raw);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(p.length + 256);
    out.write(p, 0, tableStart);
    writeInt(out, table.size());
    out.write(table.toByteArray(), 0, table.size());
    out.write(p, tableEnd, p.length - tableEnd);
    return new Frame(frame.getType(), frame.getChannel(), out.toByteArray());
  }

  private static Frame propertiesOnly(Frame frame, byte[] p, String reason) {
    ByteArrayOutputStream table = new ByteArrayOutputStream(256);
    writeLongString(table, StandardHeaders.UNREADABLE_HEADERS, 'S', utf8(reason));
    ByteArrayOutputStream out = new ByteArrayOutputStream(PROPERTIES_START + 256);
    out.write(p, 0, 12); // class, weight, body size
    out.write(HEADERS_FLAG >> 8);
    out.write(0);
    writeInt(out, table.size());
    out.write(table.toByteArray(), 0, table.size());
    return new Frame(frame.getType(), frame.getChannel(), out.toByteArray());
  }

  private static void writeLongString(ByteArrayOutputStream out, String name, char tag, byte[] v) {
    byte[] n = utf8(name);
    out.write(n.length);
    out.write(n, 0, n.length);
    out.write(tag);
    writeInt(out, v.length);
    out.write(v, 0, v.length);
  }

  private static void writeInt(ByteArrayOutputStream out, int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] slice(byte[] p, int from, int to) {
    byte[] out = new byte[to - from];
    System.arraycopy(p, from, out, 0, out.length);
    return out;
  }

  /** A part of the frame amqp-client would refuse; the message says what. */
  private static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreadable(String message) {
      super(message, null, false, false);
    }
  }
}
