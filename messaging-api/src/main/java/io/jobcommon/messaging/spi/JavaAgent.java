package io.jobcommon.messaging.spi;

/**
 * Whether the OpenTelemetry Java agent is attached to this JVM, for code that must behave
 * differently beside it without depending on OpenTelemetry (a transport's start-up, the tracing
 * layer's checks). Thread-safe.
 */
public final class JavaAgent {
  /** A class the agent puts on the bootstrap class path, and nothing else does. */
  private static final String AGENT_CLASS = "io.opentelemetry.javaagent.bootstrap.AgentInitializer";

  private JavaAgent() {}

  /** True if the OpenTelemetry Java agent is attached to this JVM. */
  public static boolean isAttached() {
    try {
      Class.forName(AGENT_CLASS, false, null);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
