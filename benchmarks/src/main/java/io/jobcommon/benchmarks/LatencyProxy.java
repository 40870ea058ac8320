package io.jobcommon.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * A TCP proxy on 127.0.0.1 that adds network latency in front of a broker: every chunk of bytes
 * read from one side is written to the other half the added round trip later (the request half on
 * the way in, the response half on the way out), in order, without capping throughput: chunks read
 * meanwhile wait in a queue, as on a long link. So a request and its response take {@code
 * addedRoundTrip} longer, however many are in flight. Thread-safe; {@link #close()} closes every
 * connection.
 */
final class LatencyProxy implements AutoCloseable {
  private static final int CHUNK_BYTES = 64 * 1024;

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final long inboundDelayNanos;
  private final long outboundDelayNanos;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicLong connections = new AtomicLong();
  private volatile boolean closed;

  private LatencyProxy(ServerSocket server, InetSocketAddress target, Duration addedRoundTrip) {
    this.server = server;
    this.target = target;
    long nanos = addedRoundTrip.toNanos();
    this.inboundDelayNanos = nanos / 2;
    this.outboundDelayNanos = nanos - nanos / 2;
  }

  /** A proxy on a free port of 127.0.0.1 to {@code host:port}, adding {@code addedRoundTrip}. */
  static LatencyProxy start(String host, int port, Duration addedRoundTrip) throws IOException {
    if (addedRoundTrip.isNegative()) {
      throw new IllegalArgumentException("--added-latency must not be negative: " + addedRoundTrip);
    }
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    LatencyProxy proxy =
        new LatencyProxy(server, new InetSocketAddress(host, port), addedRoundTrip);
    Thread acceptor =
        new Thread(proxy::acceptLoop, "latency-proxy-accept-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
    return proxy;
  }

  /** The port to connect to instead of the broker's. */
  int port() {
    return server.getLocalPort();
  }

  /** Connections accepted so far. */
  long connections() {
    return connections.get();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        connections.incrementAndGet();
        Socket upstream = new Socket();
        try {
          upstream.connect(target, 10_000);
        } catch (IOException e) {
          client.close();
          continue;
        }
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(upstream);
        String name = "latency-proxy-" + client.getPort();
        AtomicInteger halvesOpen = new AtomicInteger(2);
        pipe(client, upstream, inboundDelayNanos, halvesOpen, name + "-in");
        pipe(upstream, client, outboundDelayNanos, halvesOpen, name + "-out");
      } catch (IOException e) {
        if (!closed) {
          System.err.println("latency proxy: accept failed: " + e);
        }
      }
    }
  }

  /** Copies {@code from} to {@code to}, each chunk {@code delayNanos} after it was read. */
  private void pipe(Socket from, Socket to, long delayNanos, AtomicInteger halvesOpen, String name)
      throws IOException {
    InputStream in = from.getInputStream();
    OutputStream out = to.getOutputStream();
    BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              byte[] buffer = new byte[CHUNK_BYTES];
              try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  queue.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)));
                }
              } catch (IOException e) {
                // the socket was closed: end the pipe below
              }
              queue.add(new Chunk(System.nanoTime() + delayNanos, null));
            },
            name + "-read");
    Thread writer = new Thread(() -> writeLoop(queue, out, from, to, halvesOpen), name + "-write");
    reader.setDaemon(true);
    writer.setDaemon(true);
    reader.start();
    writer.start();
  }

  private void writeLoop(
      BlockingQueue<Chunk> queue,
      OutputStream out,
      Socket from,
      Socket to,
      AtomicInteger halvesOpen) {
    try {
      while (true) {
        Chunk c = queue.take();
        long wait;
        while ((wait = c.dueNanos - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        byte[] bytes = c.bytes();
        if (bytes == null) {
          to.shutdownOutput(); // the other side ended its half: pass the end on
          if (halvesOpen.decrementAndGet() == 0) {
            closeQuietly(from);
            closeQuietly(to);
          }
          break;
        }
        out.write(bytes);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void closeQuietly(Socket s) {
    sockets.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    sockets.forEach(this::closeQuietly);
  }

  /** Bytes to write at {@code dueNanos}; {@code bytes} null: the end of the stream. */
  @SuppressWarnings("ArrayRecordComponent") // a queue entry, never compared
  private record Chunk(long dueNanos, byte @Nullable [] bytes) {}
}
