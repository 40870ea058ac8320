package io.jobcommon.spring.boot;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code jobcommon.*} properties. Each one is the Spring name of one of the runtime's
 * environment variables (named in its description) and wins over it; what is not set here is read
 * from the variable, so a deployment's {@code MESSAGING_BROKER}, {@code RABBITMQ_URL}, {@code
 * SQS_ENDPOINT}, … keep working. Values are checked by the runtime, with the same messages. Not
 * thread-safe (bound once at start); every value may be null (not set).
 */
@ConfigurationProperties("jobcommon")
public class JobCommonProperties {
  /** The broker: sqs, rabbitmq or in-memory (MESSAGING_BROKER). */
  private @Nullable String broker;

  /**
   * How long a stop waits for running handlers, for example 30s; keep it below the platform's grace
   * period (JOB_SHUTDOWN_TIMEOUT).
   */
  private @Nullable String shutdownTimeout;

  /**
   * Export spans that end in ERROR even when the sampler dropped their trace
   * (JOB_TRACES_KEEP_ERRORS).
   */
  private @Nullable String tracesKeepErrors;

  /**
   * How long the way out waits for spans and metrics to be exported, for example 5s
   * (JOB_TELEMETRY_FLUSH_TIMEOUT).
   */
  private @Nullable String telemetryFlushTimeout;

  /**
   * How often the depth of every consumed queue and its dead-letter queue is polled, for example
   * 60s; 0 turns the gauges off (JOB_QUEUE_DEPTH_INTERVAL).
   */
  private @Nullable String queueDepthInterval;

  private final Sqs sqs = new Sqs();
  private final Rabbitmq rabbitmq = new Rabbitmq();

  public @Nullable String getBroker() {
    return broker;
  }

  public void setBroker(@Nullable String broker) {
    this.broker = broker;
  }

  public @Nullable String getShutdownTimeout() {
    return shutdownTimeout;
  }

  public void setShutdownTimeout(@Nullable String shutdownTimeout) {
    this.shutdownTimeout = shutdownTimeout;
  }

  public @Nullable String getTracesKeepErrors() {
    return tracesKeepErrors;
  }

  public void setTracesKeepErrors(@Nullable String tracesKeepErrors) {
    this.tracesKeepErrors = tracesKeepErrors;
  }

  public @Nullable String getQueueDepthInterval() {
    return queueDepthInterval;
  }

  public void setQueueDepthInterval(@Nullable String queueDepthInterval) {
    this.queueDepthInterval = queueDepthInterval;
  }

  public @Nullable String getTelemetryFlushTimeout() {
    return telemetryFlushTimeout;
  }

  public void setTelemetryFlushTimeout(@Nullable String telemetryFlushTimeout) {
    this.telemetryFlushTimeout = telemetryFlushTimeout;
  }

  public Sqs getSqs() {
    return sqs;
  }

  public Rabbitmq getRabbitmq() {
    return rabbitmq;
  }

  /** The environment variables these properties set, by name; unset properties are left out. */
  public Map<String, String> toVariables() {
    Map<String, String> v = new LinkedHashMap<>();
    put(v, "MESSAGING_BROKER", broker);
    put(v, "JOB_SHUTDOWN_TIMEOUT", shutdownTimeout);
    put(v, "JOB_TRACES_KEEP_ERRORS", tracesKeepErrors);
    put(v, "JOB_QUEUE_DEPTH_INTERVAL", queueDepthInterval);
    put(v, "JOB_TELEMETRY_FLUSH_TIMEOUT", telemetryFlushTimeout);
    put(v, "AWS_REGION", sqs.region);
    put(v, "SQS_ENDPOINT", sqs.endpoint);
    put(v, "SQS_AUTO_CREATE_QUEUES", sqs.autoCreateQueues);
    put(v, "SQS_MAX_RECEIVE_COUNT", sqs.maxReceiveCount);
    put(v, "SQS_STALL_TIMEOUT", sqs.stallTimeout);
    put(v, "SQS_WARM_UP_QUEUES", sqs.warmUpQueues);
    put(v, "SQS_WARM_UP_TIMEOUT", sqs.warmUpTimeout);
    put(v, "RABBITMQ_URL", rabbitmq.url);
    put(v, "RABBITMQ_QUEUE_TYPE", rabbitmq.queueType);
    put(v, "RABBITMQ_DELAY_TIERS", rabbitmq.delayTiers);
    put(v, "RABBITMQ_TOPOLOGY", rabbitmq.topology);
    put(v, "RABBITMQ_DECLARE_TOPOLOGY", rabbitmq.declareTopology);
    put(v, "RABBITMQ_HEARTBEAT", rabbitmq.heartbeat);
    put(v, "RABBITMQ_PUBLISH_RETRY_WINDOW", rabbitmq.publishRetryWindow);
    put(v, "RABBITMQ_CONFIRM_TIMEOUT", rabbitmq.confirmTimeout);
    return v;
  }

  private static void put(Map<String, String> v, String name, @Nullable String value) {
    if (value != null) {
      v.put(name, value);
    }
  }

  /** Amazon SQS ({@code jobcommon.broker=sqs}). */
  public static class Sqs {
    /** The AWS region, for example eu-west-1 (AWS_REGION). */
    private @Nullable String region;

    /**
     * An SQS-compatible endpoint such as ElasticMQ or LocalStack, http://host:port (SQS_ENDPOINT).
     */
    private @Nullable String endpoint;

    /**
     * Create missing queues and their dead-letter queues: true or false (SQS_AUTO_CREATE_QUEUES).
     */
    private @Nullable String autoCreateQueues;

    /** Receives before SQS moves a message to the dead-letter queue (SQS_MAX_RECEIVE_COUNT). */
    private @Nullable String maxReceiveCount;

    /**
     * How long an SQS call may stay unanswered after it was due before the transport is unhealthy,
     * for example 10s (SQS_STALL_TIMEOUT).
     */
    private @Nullable String stallTimeout;

    /**
     * Comma-separated queues whose URLs the transport resolves at start, so the first send to each
     * is one call (SQS_WARM_UP_QUEUES).
     */
    private @Nullable String warmUpQueues;

    /**
     * How long the start waits at most for the warm-up, for example 5s; 0 skips it
     * (SQS_WARM_UP_TIMEOUT).
     */
    private @Nullable String warmUpTimeout;

    public @Nullable String getWarmUpQueues() {
      return warmUpQueues;
    }

    public void setWarmUpQueues(@Nullable String warmUpQueues) {
      this.warmUpQueues = warmUpQueues;
    }

    public @Nullable String getWarmUpTimeout() {
      return warmUpTimeout;
    }

    public void setWarmUpTimeout(@Nullable String warmUpTimeout) {
      this.warmUpTimeout = warmUpTimeout;
    }

    public @Nullable String getRegion() {
      return region;
    }

    public void setRegion(@Nullable String region) {
      this.region = region;
    }

    public @Nullable String getEndpoint() {
      return endpoint;
    }

    public void setEndpoint(@Nullable String endpoint) {
      this.endpoint = endpoint;
    }

    public @Nullable String getAutoCreateQueues() {
      return autoCreateQueues;
    }

    public void setAutoCreateQueues(@Nullable String autoCreateQueues) {
      this.autoCreateQueues = autoCreateQueues;
    }

    public @Nullable String getStallTimeout() {
      return stallTimeout;
    }

    public void setStallTimeout(@Nullable String stallTimeout) {
      this.stallTimeout = stallTimeout;
    }

    public @Nullable String getMaxReceiveCount() {
      return maxReceiveCount;
    }

    public void setMaxReceiveCount(@Nullable String maxReceiveCount) {
      this.maxReceiveCount = maxReceiveCount;
    }
  }

  /** RabbitMQ ({@code jobcommon.broker=rabbitmq}). */
  public static class Rabbitmq {
    /** amqp[s]://user:pass@host:port/vhost (RABBITMQ_URL). */
    private @Nullable String url;

    /** The type of queues declared: classic or quorum (RABBITMQ_QUEUE_TYPE). */
    private @Nullable String queueType;

    /** Retry delay tiers, comma-separated durations such as 1s,10s,1m (RABBITMQ_DELAY_TIERS). */
    private @Nullable String delayTiers;

    /**
     * What to do with queues: adapt (use existing queues as they are, declare what is missing),
     * strict (refuse a queue whose arguments differ) or none (declare nothing) (RABBITMQ_TOPOLOGY).
     */
    private @Nullable String topology;

    /**
     * Declare missing queues, delay tiers and dead-letter queues: true or false; false is
     * topology=none (RABBITMQ_DECLARE_TOPOLOGY).
     */
    private @Nullable String declareTopology;

    /**
     * The AMQP heartbeat, whole seconds such as 10s; a stalled connection is noticed within twice
     * this (RABBITMQ_HEARTBEAT).
     */
    private @Nullable String heartbeat;

    /** How long a send retries while the connection recovers (RABBITMQ_PUBLISH_RETRY_WINDOW). */
    private @Nullable String publishRetryWindow;

    /** How long a send waits for the broker's confirm (RABBITMQ_CONFIRM_TIMEOUT). */
    private @Nullable String confirmTimeout;

    public @Nullable String getUrl() {
      return url;
    }

    public void setUrl(@Nullable String url) {
      this.url = url;
    }

    public @Nullable String getQueueType() {
      return queueType;
    }

    public void setQueueType(@Nullable String queueType) {
      this.queueType = queueType;
    }

    public @Nullable String getDelayTiers() {
      return delayTiers;
    }

    public void setDelayTiers(@Nullable String delayTiers) {
      this.delayTiers = delayTiers;
    }

    public @Nullable String getTopology() {
      return topology;
    }

    public void setTopology(@Nullable String topology) {
      this.topology = topology;
    }

    public @Nullable String getHeartbeat() {
      return heartbeat;
    }

    public void setHeartbeat(@Nullable String heartbeat) {
      this.heartbeat = heartbeat;
    }

    public @Nullable String getDeclareTopology() {
      return declareTopology;
    }

    public void setDeclareTopology(@Nullable String declareTopology) {
      this.declareTopology = declareTopology;
    }

    public @Nullable String getPublishRetryWindow() {
      return publishRetryWindow;
    }

    public void setPublishRetryWindow(@Nullable String publishRetryWindow) {
      this.publishRetryWindow = publishRetryWindow;
    }

    public @Nullable String getConfirmTimeout() {
      return confirmTimeout;
    }

    public void setConfirmTimeout(@Nullable String confirmTimeout) {
      this.confirmTimeout = confirmTimeout;
    }
  }
}
