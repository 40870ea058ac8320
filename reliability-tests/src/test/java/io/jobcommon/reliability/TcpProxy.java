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
 * the port no longer listening: connections are refused) and restored on the same port; blackholed
 * (connections stay open and new ones are accepted, but no byte is forwarded either way: a stalled
 * peer or a half-open connection) and then resumed (what was held back goes through) or healed
 * (connections closed); or made to swallow the server's answers. How the suite takes a broker away
 * while the broker itself (and its queues) stays up. Thread-safe.
 */
final class TcpProxy implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);

  private final int targetPort;
  private final int port;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private ServerSocket listener;
  // What the proxy passes: everything, requests only (answers are swallowed), or nothing (new
  // connections are accepted and read, never answered): a half-open path to the server.
  private volatile boolean dropAnswers;
  private final Object flow = new Object();
  private boolean held;

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

  /**
   * From now on, requests still reach the server but its answers are swallowed: a request's outcome
   * is decided but never reported. {@link #heal()} ends it.
   */
  void swallowAnswers() {
    dropAnswers = true;
    log.info("proxy 127.0.0.1:{} swallows answers", port);
  }

  /**
   * From now on, nothing passes in either direction, but connections stay open and new ones are
   * accepted: a blackhole. What is held back goes through after {@link #resume()}; {@link #heal()}
   * drops it with the connections.
   */
  void blackhole() {
    synchronized (flow) {
      held = true;
    }
    log.info("proxy 127.0.0.1:{} blackholed", port);
  }

  /** Forwards bytes again, what was held back first; the connections stay open. */
  void resume() {
    synchronized (flow) {
      held = false;
      flow.notifyAll();
    }
    log.info("proxy 127.0.0.1:{} resumed", port);
  }

  private void awaitFlowing() throws IOException {
    synchronized (flow) {
      while (held) {
        try {
          flow.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while blackholed", e);
        }
      }
    }
  }

  /** Passes everything again; connections opened during the fault are closed (they lost data). */
  synchronized void heal() {
    dropAnswers = false;
    synchronized (flow) {
      held = false;
      flow.notifyAll();
    }
    for (Socket s : sockets) {
      close(s);
    }
    log.info("proxy 127.0.0.1:{} healed", port);
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
                  pipe(client, upstream, true);
                  pipe(upstream, client, false);
                } catch (IOException e) {
                  // closed by cut(), or the target refused: the client sees its connection drop
                }
              }
            },
            "tcp-proxy-accept-" + port);
    t.setDaemon(true);
    t.start();
  }

  private void pipe(Socket from, Socket to, boolean requests) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                  awaitFlowing();
                  if (!requests && dropAnswers) {
                    continue; // swallowed
                  }
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
