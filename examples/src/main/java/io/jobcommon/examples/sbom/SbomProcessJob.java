package io.jobcommon.examples.sbom;

import io.jobcommon.examples.domain.Component;
import io.jobcommon.examples.domain.ComponentBatch;
import io.jobcommon.examples.domain.Queues;
import io.jobcommon.examples.domain.SbomUploaded;
import io.jobcommon.job.JobRuntime;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.JobContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

// snippet:start worker
/**
 * {@code job-sbom-process}: takes {@link SbomUploaded} from {@code sbom-process-queue} and sends
 * its components, {@value #BATCH_SIZE} at a time, to {@code component-process-queue}. The follow-up
 * messages continue the upload's trace. Thread-safe (stateless).
 */
public final class SbomProcessJob extends JobConsumer<SbomUploaded> {
  private static final Logger log = LoggerFactory.getLogger(SbomProcessJob.class);

  /** Components per follow-up message. */
  public static final int BATCH_SIZE = 2;

  private final String componentQueue;

  /** On the default queues. */
  public SbomProcessJob() {
    this(Queues.DEFAULT);
  }

  /** On {@code queues}. */
  public SbomProcessJob(Queues queues) {
    super(queues.sbomProcess());
    this.componentQueue = queues.componentProcess();
  }

  /** Runs the job from the environment ({@code MESSAGING_BROKER}, ...) until SIGTERM. */
  public static void main(String[] args) {
    System.exit(JobRuntime.launch(runtime -> runtime.run(new SbomProcessJob())));
  }

  @Override
  protected void handle(SbomUploaded sbom, JobContext ctx) {
    List<Component> components = sbom.components();
    log.info("sbom {}: {} components", sbom.sbomId(), components.size()); // MDC: trace_id, span_id
    for (int from = 0; from < components.size(); from += BATCH_SIZE) {
      List<Component> slice =
          components.subList(from, Math.min(from + BATCH_SIZE, components.size()));
      ctx.client().send(componentQueue, new ComponentBatch(sbom.sbomId(), sbom.orgId(), slice));
    }
  }
}
// snippet:end worker
