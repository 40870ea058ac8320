package io.jobcommon.examples.spring;

import io.jobcommon.examples.spring.Messages.ComponentBatch;
import io.jobcommon.examples.spring.Messages.SbomUploaded;
import io.jobcommon.messaging.JobContext;
import io.jobcommon.spring.boot.JobListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** The worker as a listener method: processes an upload and queues its components. */
// snippet:start spring-listener
@Component
class SbomWorker {
  private static final Logger log = LoggerFactory.getLogger(SbomWorker.class);
  private final String components;

  SbomWorker(@Value("${example.queues.components}") String components) {
    this.components = components;
  }

  @JobListener(queue = "${example.queues.sbom}", concurrency = 4, maxAttempts = 5)
  void process(SbomUploaded sbom, JobContext ctx) {
    log.info("processing {} (attempt {})", sbom.sbomId(), ctx.attempt()); // MDC: trace_id, span_id
    ctx.client().send(components, new ComponentBatch(sbom.sbomId(), 42)); // same trace
  }
}
// snippet:end spring-listener
