package io.jobcommon.messaging.spi;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What the transports need from {@link java.util.concurrent.CompletableFuture} failures. Stateless
 * and thread-safe.
 */
public final class Futures {
  private Futures() {}

  /**
   * The failure behind the {@link CompletionException} and {@link ExecutionException} wrappers a
   * future adds ({@code join()}, {@code get()}, dependent stages), or {@code error} itself when it
   * is not such a wrapper or wraps nothing.
   */
  public static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
