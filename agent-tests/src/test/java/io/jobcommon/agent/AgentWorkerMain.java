package io.jobcommon.agent;

import io.jobcommon.examples.domain.Queues;
import io.jobcommon.examples.sbom.SbomProcessJob;
import io.jobcommon.job.JobRuntime;

/**
 * The examples' {@code job-sbom-process} worker as a deployment runs it, on this test's queues
 * ({@code QUEUE_SUFFIX}). Nothing here knows about the agent.
 */
public final class AgentWorkerMain {
  private AgentWorkerMain() {}

  public static void main(String[] args) {
    Queues queues = Queues.DEFAULT.withSuffix(System.getenv("QUEUE_SUFFIX"));
    System.exit(JobRuntime.launch(runtime -> runtime.run(new SbomProcessJob(queues))));
  }
}
