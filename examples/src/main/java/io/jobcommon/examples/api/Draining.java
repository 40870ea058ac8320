package io.jobcommon.examples.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Counts the requests {@code delegate} is handling, so a shutdown can wait for exactly those; once
 * draining, new requests get 503 at once. Thread-safe.
 */
final class Draining implements HttpHandler {
  private static final byte[] UNAVAILABLE =
      "{\"error\":\"shutting down, try again\"}".getBytes(StandardCharsets.UTF_8);

  private final HttpHandler delegate;
  private final Object lock = new Object();
  private int running;
  private boolean draining;

  Draining(HttpHandler delegate) {
    this.delegate = delegate;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    boolean accepted;
    synchronized (lock) {
      accepted = !draining;
      if (accepted) {
        running++;
      }
    }
    if (!accepted) {
      try (exchange) {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Retry-After", "1");
        exchange.sendResponseHeaders(503, UNAVAILABLE.length);
        exchange.getResponseBody().write(UNAVAILABLE);
      }
      return;
    }
    try {
      delegate.handle(exchange);
    } finally {
      synchronized (lock) {
        running--;
        lock.notifyAll();
      }
    }
  }

  /** Refuses new requests and waits up to {@code timeout} for the running ones. */
  void drain(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      draining = true;
      while (running > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        try {
          lock.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
