package io.jobcommon.job;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGTERM and SIGINT into a stop request while {@code run} waits, instead of the JVM's
 * default of starting its shutdown at once. That way the worker drains, flushes and returns from
 * {@code main} normally, and the process exits 0 rather than 143. The handlers go back to what they
 * were as soon as the first signal arrives, so a second Ctrl-C stops the JVM the usual way.
 *
 * <p>Uses {@code sun.misc.Signal} (module {@code jdk.unsupported}) by reflection, so that the build
 * needs no internal API; where it is missing or refused ({@code -Xrs}), the runtime's shutdown hook
 * still drains and flushes, only the exit status is the signal's.
 */
final class Signals implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Signals.class);
  private static final String[] NAMES = {"TERM", "INT"};

  private final List<Object[]> installed = new ArrayList<>(); // {signal, previous handler}
  private final Object lock = new Object();
  private @Nullable Method handle; // set by install, before any handler is in installed

  private Signals() {}

  /** Calls {@code onSignal} (once) on SIGTERM or SIGINT until closed. */
  static Signals onTermination(Runnable onSignal) {
    Signals signals = new Signals();
    signals.install(onSignal);
    return signals;
  }

  /** Whether the handlers could be installed. */
  boolean isInstalled() {
    synchronized (lock) {
      return !installed.isEmpty();
    }
  }

  private void install(Runnable onSignal) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Constructor<?> newSignal = signalClass.getConstructor(String.class);
      handle = signalClass.getMethod("handle", signalClass, handlerClass);
      Object handler =
          Proxy.newProxyInstance(
              Signals.class.getClassLoader(),
              new Class<?>[] {handlerClass},
              (proxy, method, args) -> {
                switch (method.getName()) {
                  case "handle":
                    log.info("received {}: stopping", args[0]);
                    close(); // a second signal takes the JVM's usual way out
                    onSignal.run();
                    return null;
                  case "hashCode":
                    return System.identityHashCode(proxy);
                  case "equals":
                    return proxy == args[0];
                  default:
                    return "JobRuntimeSignalHandler";
                }
              });
      synchronized (lock) {
        for (String name : NAMES) {
          Object signal = newSignal.newInstance(name);
          Object previous = handle.invoke(null, signal, handler);
          installed.add(new Object[] {signal, previous});
        }
      }
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      log.info(
          "cannot handle SIGTERM/SIGINT directly ({}); the shutdown hook will drain instead", e);
      close();
    }
  }

  /** Puts the previous handlers back. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      for (Object[] entry : installed) {
        try {
          Objects.requireNonNull(handle, "handle").invoke(null, entry[0], entry[1]);
        } catch (ReflectiveOperationException | RuntimeException e) {
          log.debug("could not restore the handler of {}", entry[0], e);
        }
      }
      installed.clear();
    }
  }
}
