package io.jobcommon.job;

import io.jobcommon.messaging.MessageClient;
import java.util.Optional;

/**
 * What a {@link ScheduledJob} gets for one run: its name, the run's trace, and a client whose
 * messages are children of the run's root span when sent from the job's thread (start other threads
 * under {@code Context.current().wrap(...)} to keep them in the trace).
 *
 * <p>Valid during one run; thread-safe. Nothing returned is null.
 */
public interface ScheduledJobContext {

  /** The job name given to {@code runScheduled}; also the root span's name. */
  String jobName();

  /** A client for messages; sends from the job's thread continue the run's trace. */
  MessageClient client();

  /** The run's trace id (32 hex digits); all zeros when tracing is off. */
  String traceId();

  /**
   * The W3C {@code traceparent} of the run's root span, for passing the trace on by hand (an HTTP
   * call, a JSON field); empty when tracing is off.
   */
  Optional<String> traceparent();
}
