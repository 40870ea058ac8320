package io.jobcommon.examples.spring;

import io.jobcommon.examples.spring.Messages.ComponentBatch;
import io.jobcommon.messaging.JobConsumer;
import io.jobcommon.messaging.JobContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** The worker as a {@link JobConsumer} bean: the same class a plain {@code JobRuntime} runs. */
// snippet:start spring-consumer-bean
@Component
class ComponentWorker extends JobConsumer<ComponentBatch> {
  private static final Logger log = LoggerFactory.getLogger(ComponentWorker.class);

  ComponentWorker(@Value("${example.queues.components}") String queue) {
    super(queue);
  }

  @Override
  protected void handle(ComponentBatch batch, JobContext ctx) {
    log.info("analysing {} components of {}", batch.components(), batch.sbomId());
  }
}
// snippet:end spring-consumer-bean
