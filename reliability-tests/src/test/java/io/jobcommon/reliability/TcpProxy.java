package io.jobcommon.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on 127.0.0.1 in front of a local server, that can be cut (every connection closed,
 * the port no longer listening: connections are refused) and restored on the same port, or
 * blackholed (connections stay open and new ones are accepted, but no byte is forwarded either way:
 * a stalled peer or a half-open connection) and resumed. How the suite takes a broker away while
 * the broker itself (and its queues) stays up. Thread-safe.
 */
final class TcpProxy implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);

  private final int targetPort;
  private final int port;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private ServerSocket listener;
  private final Object flow = new Object();
  private boolean blackholed;

  private TcpProxy(int targetPort, ServerSocket listener) {
    this.targetPort = targetPort;
    this.listener = listener;
    this.port = listener.getLocalPort();
    accept(listener);
  }

  /** A proxy on a free port of 127.0.0.1 to {@code 127.0.0.1:targetPort}. */
  static TcpProxy start(int targetPort) throws IOException {
    return new TcpProxy(targetPort, bind(0));
  }

  int port() {
    return port;
  }

  /** Closes every connection and stops listening. */
  synchronized void cut() throws IOException {
    listener.close();
    for (Socket s : sockets) {
      s.close();
    }
    sockets.clear();
    log.info("proxy 127.0.0.1:{} cut", port);
  }

  /** Stops forwarding bytes, in both directions, on every connection; nothing is closed. */
  void blackhole() {
    synchronized (flow) {
      blackholed = true;
    }
    log.info("proxy 127.0.0.1:{} blackholed", port);
  }

  /** Forwards bytes again (what was held back goes through). */
  void resume() {
    synchronized (flow) {
      blackholed = false;
      flow.notifyAll();
    }
    log.info("proxy 127.0.0.1:{} resumed", port);
  }

  private void awaitFlowing() throws IOException {
    synchronized (flow) {
      while (blackholed) {
        try {
          flow.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while blackholed", e);
        }
      }
    }
  }

  /** Listens again on the same port. */
  synchronized void restore() throws IOException {
    listener = bind(port);
    accept(listener);
    log.info("proxy 127.0.0.1:{} restored", port);
  }

  private static ServerSocket bind(int port) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return s;
  }

  private void accept(ServerSocket server) {
    Thread t =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket client = server.accept();
                  Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                  sockets.add(client);
                  sockets.add(upstream);
                  pipe(client, upstream);
                  pipe(upstream, client);
                } catch (IOException e) {
                  // closed by cut(), or the target refused: the client sees its connection drop
                }
              }
            },
            "tcp-proxy-accept-" + port);
    t.setDaemon(true);
    t.start();
  }

  private void pipe(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                  awaitFlowing();
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // one side closed
              } finally {
                close(from);
                close(to);
              }
            },
            "tcp-proxy-pipe-" + port);
    t.setDaemon(true);
    t.start();
  }

  private void close(Socket s) {
    sockets.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public synchronized void close() throws IOException {
    cut();
  }
}
