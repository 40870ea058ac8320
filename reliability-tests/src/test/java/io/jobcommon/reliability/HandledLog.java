package io.jobcommon.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A file of message ids, one a line, appended by a worker: {@code start <id>} when a handler
 * starts, {@code done <id>} when it finished, before the message is acknowledged. Each line is one
 * {@code write} to a file opened for append, so a {@code kill -9} loses no line the worker wrote
 * (the data is in the kernel), and an acked message is always on file. Appending is thread-safe;
 * reading tolerates a torn last line.
 */
final class HandledLog implements AutoCloseable {
  private final FileChannel channel;

  private HandledLog(FileChannel channel) {
    this.channel = channel;
  }

  static HandledLog open(Path file) {
    try {
      return new HandledLog(
          FileChannel.open(
              file,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.APPEND));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Appends {@code id} as one line. */
  synchronized void append(String id) {
    ByteBuffer line = ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.UTF_8));
    try {
      while (line.hasRemaining()) {
        channel.write(line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The ids whose handler finished, in order (an id twice if it was handled twice). */
  static List<String> done(Path file) {
    return withPrefix(file, "done ");
  }

  /** The ids whose handler started, in order. */
  static List<String> started(Path file) {
    return withPrefix(file, "start ");
  }

  private static List<String> withPrefix(Path file, String prefix) {
    List<String> ids = new ArrayList<>();
    for (String line : read(file)) {
      if (line.startsWith(prefix)) {
        ids.add(line.substring(prefix.length()));
      }
    }
    return ids;
  }

  /** The complete lines of {@code file}, in order; empty when it does not exist yet. */
  static List<String> read(Path file) {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      List<String> lines = new ArrayList<>();
      int start = 0;
      for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', start)) {
        lines.add(text.substring(start, i));
        start = i + 1;
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
