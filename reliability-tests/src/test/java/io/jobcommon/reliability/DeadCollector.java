package io.jobcommon.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An OTLP endpoint on 127.0.0.1 that never works: either nothing listens on its port (connections
 * are refused at once), or it accepts connections, reads every request and never answers (a
 * blackhole: the exporter waits for its timeout). Thread-safe.
 */
final class DeadCollector implements AutoCloseable {
  /** How the collector is dead. */
  enum Kind {
    REFUSING,
    BLACKHOLE
  }

  private final Kind kind;
  private final int port;
  private final ServerSocket listener;
  private final Set<Socket> accepted = ConcurrentHashMap.newKeySet();

  private DeadCollector(Kind kind) throws IOException {
    this.kind = kind;
    ServerSocket s = new ServerSocket();
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    this.port = s.getLocalPort();
    if (kind == Kind.REFUSING) {
      s.close(); // a free port nobody listens on
      this.listener = null;
    } else {
      this.listener = s;
      Thread t = new Thread(this::acceptLoop, "dead-collector-" + port);
      t.setDaemon(true);
      t.start();
    }
  }

  static DeadCollector start(Kind kind) throws IOException {
    return new DeadCollector(kind);
  }

  Kind kind() {
    return kind;
  }

  /** The base URL for {@code OTEL_EXPORTER_OTLP_ENDPOINT}. */
  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket s = listener.accept();
        accepted.add(s);
        Thread reader =
            new Thread(
                () -> {
                  byte[] buf = new byte[8192];
                  try (InputStream in = s.getInputStream()) {
                    while (in.read(buf) >= 0) {
                      // swallow the request, never answer
                    }
                  } catch (IOException e) {
                    // closed
                  }
                },
                "dead-collector-read-" + port);
        reader.setDaemon(true);
        reader.start();
      } catch (IOException e) {
        // closed
      }
    }
  }

  @Override
  public void close() throws IOException {
    if (listener != null) {
      listener.close();
    }
    for (Socket s : accepted) {
      s.close();
    }
  }

  @Override
  public String toString() {
    return "DeadCollector{" + kind + ", " + endpoint() + "}";
  }
}
