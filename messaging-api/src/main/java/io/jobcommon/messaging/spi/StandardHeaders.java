package io.jobcommon.messaging.spi;

/**
 * Names of the headers the SDK itself writes. They are shared with the TypeScript job-common, so
 * they are part of the wire format: never rename one.
 */
public final class StandardHeaders {
  /** Why a message was dead-lettered, for example {@code payload-decoding-failed: ...}. */
  public static final String DEAD_LETTER_REASON = "jc-dead-letter-reason";

  /** The queue a dead-lettered message came from. */
  public static final String ORIGINAL_QUEUE = "jc-original-queue";

  /** How many deliveries a dead-lettered message had. */
  public static final String ATTEMPTS = "jc-attempts";

  /** When a message was dead-lettered, ISO-8601 UTC. */
  public static final String FAILED_AT = "jc-failed-at";

  /** The delivery attempt of a message redelivered by a transport that counts attempts itself. */
  public static final String ATTEMPT = "jc-attempt";

  /**
   * Set by a transport on a received message whose headers the broker's client library could not
   * read (on RabbitMQ, a table nested deeper than 32 levels, for example): why, in words. The
   * readable headers are kept; the {@code Dispatcher} dead-letters such a message at once with the
   * reason {@code headers-unreadable: ...}.
   */
  public static final String UNREADABLE_HEADERS = "jc-unreadable-headers";

  private StandardHeaders() {}
}
