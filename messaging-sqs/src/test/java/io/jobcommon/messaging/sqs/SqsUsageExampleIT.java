package io.jobcommon.messaging.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README example runs as written. */
class SqsUsageExampleIT {
  @RegisterExtension static final ElasticMq sqs = new ElasticMq();

  @Test
  void theExampleSendsAndProcessesBothMessages() {
    CountDownLatch done = new CountDownLatch(2);
    SqsUsageExample.run(sqs.endpoint(), done);
    assertThat(done.getCount()).isZero();
  }
}
