package io.jobcommon.reliability;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands the suite's shared fixtures to test classes as parameters ({@code @BeforeAll static void
 * setUp(RabbitBroker rabbit)}). Each is made once per suite run, kept in the root store, and closed
 * by JUnit when the run ends (the vhost and user are deleted then).
 */
final class SuiteExtension implements ParameterResolver {

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
    Class<?> type = p.getParameter().getType();
    return type == RabbitBroker.class
        || type == SqsBroker.class
        || type == UncaughtExceptions.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext c) {
    ExtensionContext.Store store = c.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
    Class<?> type = p.getParameter().getType();
    if (type == RabbitBroker.class) {
      return store.getOrComputeIfAbsent(
          RabbitBroker.class, k -> RabbitBroker.start(), RabbitBroker.class);
    }
    if (type == SqsBroker.class) {
      return store.getOrComputeIfAbsent(SqsBroker.class, k -> SqsBroker.start(), SqsBroker.class);
    }
    return store.getOrComputeIfAbsent(
        UncaughtExceptions.class, k -> UncaughtExceptions.install(), UncaughtExceptions.class);
  }

  /**
   * Every exception that reached the top of any thread of the suite's JVM (a broker client thread,
   * a handler thread), recorded by a default uncaught-exception handler.
   */
  static final class UncaughtExceptions {
    private final List<String> seen = new CopyOnWriteArrayList<>();

    private UncaughtExceptions() {}

    static UncaughtExceptions install() {
      UncaughtExceptions u = new UncaughtExceptions();
      Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
      Thread.setDefaultUncaughtExceptionHandler(
          (t, e) -> {
            u.seen.add(t.getName() + ": " + e);
            if (previous != null) {
              previous.uncaughtException(t, e);
            }
          });
      return u;
    }

    /** What escaped so far, as "thread: exception". */
    List<String> seen() {
      return List.copyOf(seen);
    }
  }
}
