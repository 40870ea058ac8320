package io.jobcommon.examples.sbom;

import io.jobcommon.examples.domain.Component;
import io.jobcommon.examples.domain.ComponentBatch;
import io.jobcommon.examples.domain.Queues;
import io.jobcommon.job.JobRuntime;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.JobContext;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code job-component-process}: takes {@link ComponentBatch} from {@code component-process-queue}
 * and reports the components with a known vulnerability. Thread-safe (stateless).
 */
public final class ComponentProcessJob extends JobConsumer<ComponentBatch> {
  private static final Logger log = LoggerFactory.getLogger(ComponentProcessJob.class);

  // A stand-in for a vulnerability database: name@version -> advisory.
  private static final Map<String, String> KNOWN =
      Map.of(
          "log4j-core@2.14.1", "CVE-2021-44228",
          "jackson-databind@2.9.10", "CVE-2020-36518",
          "commons-text@1.9", "CVE-2022-42889");

  /** On the default queue. */
  public ComponentProcessJob() {
    this(Queues.DEFAULT);
  }

  /** On {@code queues.componentProcess()}. */
  public ComponentProcessJob(Queues queues) {
    super(queues.componentProcess());
  }

  /** Runs the job from the environment ({@code MESSAGING_BROKER}, ...) until SIGTERM. */
  public static void main(String[] args) {
    System.exit(JobRuntime.launch(runtime -> runtime.run(new ComponentProcessJob())));
  }

  @Override
  protected void handle(ComponentBatch batch, JobContext ctx) {
    for (Component c : batch.components()) {
      String advisory = KNOWN.get(c.name() + "@" + c.version());
      if (advisory != null) {
        log.info(
            "sbom {}: {} {} is affected by {}", batch.sbomId(), c.name(), c.version(), advisory);
      }
    }
  }
}
