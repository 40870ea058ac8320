package io.jobcommon.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a bean method the handler of a queue, like a {@link io.jobcommon.messaging.JobConsumer}
 * bean: the first parameter is the payload (any type the codec decodes, generics included), an
 * optional {@link io.jobcommon.messaging.JobContext} parameter gives the message's context and a
 * client for follow-up sends. Returning acknowledges; throwing retries with backoff until {@link
 * #maxAttempts()}, then dead-letters; a {@link io.jobcommon.messaging.NonRetryableException} (or a
 * {@link #nonRetryable()} type) dead-letters at once.
 *
 * <pre>{@code
 * @JobListener(queue = "sbom-process-queue", concurrency = 4)
 * void process(SbomUploaded sbom, JobContext ctx) {
 *   ctx.client().send("component-process-queue", new ComponentBatch(sbom.sbomId(), 42));
 * }
 * }</pre>
 *
 * <p>String attributes accept {@code ${...}} placeholders; numeric attributes below 1 and empty
 * strings mean the default of {@link io.jobcommon.messaging.RetryPolicy#defaults()} or {@link
 * io.jobcommon.messaging.ConsumerOptions#defaults()}. The method runs on several threads at once.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface JobListener {
  /** The queue consumed; {@code ${...}} placeholders are resolved. */
  String queue();

  /** Handlers running at once. */
  int concurrency() default 0;

  /** Messages received ahead of the handlers. */
  int prefetch() default 0;

  /** Attempts before a failing message is dead-lettered. */
  int maxAttempts() default 0;

  /** The first retry's backoff, for example {@code 1s}. */
  String initialBackoff() default "";

  /** The longest backoff, for example {@code 5m}. */
  String maxBackoff() default "";

  /** How long a stop waits for running handlers, for example {@code 30s}. */
  String shutdownTimeout() default "";

  /** SQS visibility lease, extended while the handler runs, for example {@code 60s}. */
  String lease() default "";

  /** Failures that dead-letter at once instead of being retried. */
  Class<? extends Throwable>[] nonRetryable() default {};
}
