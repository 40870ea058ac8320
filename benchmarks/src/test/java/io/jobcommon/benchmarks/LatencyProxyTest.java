package io.jobcommon.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link LatencyProxy} delays each direction by half the round trip, in order, pipelined. */
class LatencyProxyTest {
  private static final Duration ROUND_TRIP = Duration.ofMillis(200);

  /** An echo server on loopback: every byte read is written back; one thread per connection. */
  private static ServerSocket echoServer() throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] b = new byte[8192];
                int n;
                while ((n = in.read(b)) >= 0) {
                  out.write(b, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // the test closed the connection
              }
            },
            "echo");
    t.setDaemon(true);
    t.start();
    return server;
  }

  @Test
  void aRoundTripTakesTheAddedLatencyAndBytesArriveIntact() throws Exception {
    try (ServerSocket echo = echoServer();
        LatencyProxy proxy = LatencyProxy.start("127.0.0.1", echo.getLocalPort(), ROUND_TRIP);
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      byte[] request = "ping-0123456789".getBytes(StandardCharsets.UTF_8);
      long start = System.nanoTime();
      s.getOutputStream().write(request);
      byte[] response = new byte[request.length];
      new DataInputStream(s.getInputStream()).readFully(response);
      long tookMillis = (System.nanoTime() - start) / 1_000_000;

      System.out.println("round trip through the proxy: " + tookMillis + " ms");
      assertThat(response).isEqualTo(request);
      assertThat(tookMillis).isGreaterThanOrEqualTo(ROUND_TRIP.toMillis());
      assertThat(proxy.connections()).isEqualTo(1);
    }
  }

  @Test
  void requestsInFlightAreDelayedTogetherNotOneAfterAnother() throws Exception {
    int requests = 10;
    try (ServerSocket echo = echoServer();
        LatencyProxy proxy = LatencyProxy.start("127.0.0.1", echo.getLocalPort(), ROUND_TRIP);
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      long start = System.nanoTime();
      for (int i = 0; i < requests; i++) {
        s.getOutputStream().write(new byte[] {(byte) i});
        s.getOutputStream().flush();
      }
      byte[] response = new byte[requests];
      new DataInputStream(s.getInputStream()).readFully(response);
      long tookMillis = (System.nanoTime() - start) / 1_000_000;

      System.out.println(
          requests + " pipelined round trips through the proxy: " + tookMillis + " ms");
      for (int i = 0; i < requests; i++) {
        assertThat(response[i]).isEqualTo((byte) i);
      }
      assertThat(tookMillis)
          .isGreaterThanOrEqualTo(ROUND_TRIP.toMillis())
          .isLessThan(requests * ROUND_TRIP.toMillis());
    }
  }

  @Test
  void parsesLatenciesAndKeepsTheRabbitUrisCredentialsAndVhost() {
    assertThat(LatencyCompare.latency("20ms")).isEqualTo(Duration.ofMillis(20));
    assertThat(LatencyCompare.latency("0.5s")).isEqualTo(Duration.ofMillis(500));
    assertThat(LatencyCompare.latency("15")).isEqualTo(Duration.ofMillis(15));
    assertThatThrownBy(() -> LatencyCompare.latency("fast"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--added-latency")
        .hasMessageContaining("fast");
    assertThat(
            LatencyCompare.throughProxy(
                URI.create("amqp://guest:guest@127.0.0.1:5672/%2F?heartbeat=5"), 41234))
        .isEqualTo("amqp://guest:guest@127.0.0.1:41234/%2F?heartbeat=5");
  }
}
