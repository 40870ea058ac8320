package io.jobcommon.spring.boot;

import io.jobcommon.job.JobRuntime;
import io.jobcommon.messaging.JobConsumer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the application's consumers in Spring's lifecycle: every {@link JobConsumer} bean and every
 * {@link JobListener} method starts when the application is ready (after the runners), and on
 * shutdown, in phase {@link #PHASE}, after the web server has stopped taking requests and finished
 * the running ones, the runtime closes in its own order: consumers drain (running handlers finish,
 * unstarted messages go back to the queue), the broker connection closes, telemetry is flushed.
 * Thread-safe.
 */
public final class JobConsumersLifecycle
    implements SmartLifecycle, ApplicationListener<ApplicationReadyEvent> {
  private static final Logger log = LoggerFactory.getLogger(JobConsumersLifecycle.class);

  /**
   * Below the web server's graceful-shutdown ({@code DEFAULT_PHASE - 1024}) and stop ({@code
   * DEFAULT_PHASE - 2048}) phases: lifecycles stop from the highest phase down, so requests in
   * flight may still send while consumers keep working, and consumers drain only afterwards.
   */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private final JobRuntime runtime;
  private final ObjectProvider<JobConsumer<?>> beans;
  private final JobListenerPostProcessor listeners;
  private final Object lock = new Object();
  private boolean running;
  private boolean consuming;
  private boolean stopped;

  JobConsumersLifecycle(
      JobRuntime runtime,
      ObjectProvider<JobConsumer<?>> beans,
      JobListenerPostProcessor listeners) {
    this.runtime = runtime;
    this.beans = beans;
    this.listeners = listeners;
  }

  @Override
  public void start() {
    synchronized (lock) {
      running = true;
    }
  }

  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    List<JobConsumer<?>> consumers = new ArrayList<>();
    beans.orderedStream().forEach(consumers::add);
    consumers.addAll(listeners.consumers());
    synchronized (lock) {
      if (consuming || stopped || !running) {
        return;
      }
      consuming = true;
      runtime.start(consumers.toArray(new JobConsumer<?>[0]));
    }
    log.info("started {} job consumer(s): {}", consumers.size(), consumers);
  }

  /** Closes the runtime: drain, broker connection, telemetry flush; blocks until done. */
  @Override
  public void stop() {
    synchronized (lock) {
      if (!running) {
        return;
      }
      running = false;
      stopped = true;
    }
    runtime.close();
  }

  @Override
  public boolean isRunning() {
    synchronized (lock) {
      return running;
    }
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
