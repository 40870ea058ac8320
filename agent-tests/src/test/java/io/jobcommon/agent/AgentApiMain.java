package io.jobcommon.agent;

import io.jobcommon.examples.api.ApiService;
import io.jobcommon.examples.domain.Queues;
import io.jobcommon.job.JobRuntime;
import java.net.InetSocketAddress;

/**
 * The examples' API service as a deployment runs it, on this test's queues ({@code QUEUE_SUFFIX})
 * and port ({@code API_PORT}) of the loopback interface. Nothing here knows about the agent.
 */
public final class AgentApiMain {
  private AgentApiMain() {}

  @SuppressWarnings("try") // the service is only held open while the runtime runs
  public static void main(String[] args) {
    System.exit(
        JobRuntime.launch(
            runtime -> {
              Queues queues = Queues.DEFAULT.withSuffix(System.getenv("QUEUE_SUFFIX"));
              int port = Integer.parseInt(System.getenv("API_PORT"));
              try (ApiService api =
                  ApiService.start(
                      runtime.client(),
                      runtime.openTelemetry(),
                      new InetSocketAddress("127.0.0.1", port),
                      queues)) {
                return runtime.run();
              }
            }));
  }
}
