package io.jobcommon.agent;

import io.jobcommon.examples.domain.Queues;
import io.jobcommon.job.JobRuntime;
import java.util.List;
import java.util.Map;

/**
 * A cron run as a deployment runs it: one scheduled job that sends one message, then the JVM exits.
 * Its spans must still reach the collector (the agent flushes its SDK in its shutdown hook).
 */
public final class AgentCronMain {
  private AgentCronMain() {}

  public static void main(String[] args) {
    String queue = Queues.DEFAULT.withSuffix(System.getenv("QUEUE_SUFFIX")).sbomProcess();
    Map<String, Object> sbom =
        Map.of("sbomId", "from-cron", "orgId", "acme", "components", List.of());
    System.exit(
        JobRuntime.launch(
            runtime -> runtime.runScheduled("agent-cron", ctx -> ctx.client().send(queue, sbom))));
  }
}
