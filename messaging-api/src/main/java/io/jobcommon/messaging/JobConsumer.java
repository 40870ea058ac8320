package io.jobcommon.messaging;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The class a job worker extends: the queue it consumes, the payload type (read from the generic
 * parameter), and {@link #handle}. Returning from {@code handle} acknowledges the message; throwing
 * retries it with the {@link #retryPolicy()}'s backoff until its attempts are used up, then
 * dead-letters it; a {@link NonRetryableException} dead-letters it at once.
 *
 * <pre>{@code
 * public final class SbomProcessJob extends JobConsumer<SbomUploaded> {
 *   public SbomProcessJob() { super("sbom-process-queue"); }
 *
 *   @Override
 *   protected void handle(SbomUploaded sbom, JobContext ctx) {
 *     ctx.client().send("component-process-queue", new ComponentBatch(sbom.sbomId(), sbom.orgId(), sbom.components()));
 *   }
 * }
 * }</pre>
 *
 * <p>One instance serves every message of its queue, on several threads at once ({@link
 * ConsumerOptions#concurrency()}): {@code handle} must be thread-safe. Payloads are never null.
 *
 * @param <T> the payload type
 */
public abstract class JobConsumer<T> {
  private final String queue;
  private final Type payloadType;

  /**
   * A consumer of {@code queue} whose payload type is this class's type argument.
   *
   * @throws IllegalStateException when the type argument cannot be read (a generic subclass): use
   *     {@link #JobConsumer(String, Type)}
   */
  protected JobConsumer(String queue) {
    this.queue = checkQueue(queue);
    this.payloadType = resolvePayloadType(getClass());
  }

  /**
   * A consumer of {@code queue} with an explicit payload type, for generic payloads such as {@code
   * List<Item>} (pass a {@link ParameterizedType}) or generic consumer classes.
   */
  protected JobConsumer(String queue, Type payloadType) {
    this.queue = checkQueue(queue);
    this.payloadType = Objects.requireNonNull(payloadType, "payloadType");
  }

  /**
   * A consumer from a lambda, for small jobs and tests.
   *
   * <pre>{@code
   * JobConsumer.of("emails", SendEmail.class, (email, ctx) -> mailer.send(email));
   * }</pre>
   */
  public static <T> JobConsumer<T> of(String queue, Class<T> type, JobHandler<T> handler) {
    Objects.requireNonNull(handler, "handler");
    return new JobConsumer<>(queue, type) {
      @Override
      protected void handle(T payload, JobContext ctx) throws Exception {
        handler.handle(payload, ctx);
      }

      @Override
      public String name() {
        return "JobConsumer(" + queue + ")";
      }
    };
  }

  /** The queue consumed. */
  public final String queue() {
    return queue;
  }

  /** The payload type bodies are decoded into. */
  public final Type payloadType() {
    return payloadType;
  }

  /** A name for logs and telemetry; the simple class name by default. */
  public String name() {
    String simple = getClass().getSimpleName();
    return simple.isEmpty() ? getClass().getName() : simple;
  }

  /** How failures are retried; {@link RetryPolicy#defaults()} unless overridden. */
  public RetryPolicy retryPolicy() {
    return RetryPolicy.defaults();
  }

  /** How messages are taken; {@link ConsumerOptions#defaults()} unless overridden. */
  public ConsumerOptions options() {
    return ConsumerOptions.defaults();
  }

  /**
   * Processes one message. Return to acknowledge it; throw to retry or dead-letter it.
   *
   * @param payload the decoded body; never null
   * @param ctx the message's context and a client for follow-up sends
   */
  protected abstract void handle(T payload, JobContext ctx) throws Exception;

  @Override
  public String toString() {
    return name() + "{queue=" + queue + ", payloadType=" + payloadType.getTypeName() + "}";
  }

  private static String checkQueue(String queue) {
    Objects.requireNonNull(queue, "queue");
    if (queue.isBlank()) {
      throw new IllegalArgumentException("queue must not be blank");
    }
    return queue;
  }

  private static Type resolvePayloadType(Class<?> type) {
    Map<TypeVariable<?>, Type> bindings = new HashMap<>();
    Class<?> current = type;
    while (current != null && current != JobConsumer.class) {
      Type superType = current.getGenericSuperclass();
      if (superType instanceof ParameterizedType) {
        ParameterizedType p = (ParameterizedType) superType;
        Class<?> raw = (Class<?>) p.getRawType();
        TypeVariable<?>[] vars = raw.getTypeParameters();
        Type[] args = p.getActualTypeArguments();
        for (int i = 0; i < vars.length; i++) {
          Type arg = args[i];
          bindings.put(
              vars[i], arg instanceof TypeVariable ? bindings.getOrDefault(arg, arg) : arg);
        }
        current = raw;
      } else {
        current = current.getSuperclass();
      }
    }
    Type resolved = bindings.get(JobConsumer.class.getTypeParameters()[0]);
    if (resolved == null || resolved instanceof TypeVariable || containsTypeVariable(resolved)) {
      throw new IllegalStateException(
          "cannot read the payload type of "
              + type.getName()
              + " from its generic superclass; pass it to the constructor: super(queue,"
              + " Payload.class)");
    }
    return resolved;
  }

  private static boolean containsTypeVariable(Type type) {
    if (type instanceof TypeVariable) {
      return true;
    }
    if (type instanceof ParameterizedType) {
      for (Type arg : ((ParameterizedType) type).getActualTypeArguments()) {
        if (containsTypeVariable(arg)) {
          return true;
        }
      }
    }
    return false;
  }
}
