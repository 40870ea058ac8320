package io.jobcommon.messaging.spi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler threads of one subscription: runs a {@link DeliveryHandler} on at most {@code
 * concurrency} threads, queues the deliveries waiting for a thread, and on shutdown hands the
 * unstarted ones back so the transport can release them. Transports use it so that concurrency and
 * shutdown behave the same on every broker.
 *
 * <p>The queue is not bounded here: the transport bounds it by not receiving more than {@code
 * concurrency + prefetch} unsettled deliveries. Thread-safe.
 */
public final class HandlerPool {
  private static final Logger log = LoggerFactory.getLogger(HandlerPool.class);
  private static final Duration INTERRUPT_GRACE = Duration.ofSeconds(2);

  private final String queue;
  private final DeliveryHandler handler;
  private final ThreadPoolExecutor executor;
  private final AtomicInteger running = new AtomicInteger();

  /**
   * @param queue the queue, for thread names and logs
   * @param concurrency the most handlers running at once, at least 1
   * @param handler the handler to run
   */
  public HandlerPool(String queue, int concurrency, DeliveryHandler handler) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
    }
    this.queue = Objects.requireNonNull(queue, "queue");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.executor =
        new ThreadPoolExecutor(
            concurrency,
            concurrency,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            threadFactory(queue));
  }

  /**
   * Queues {@code delivery} for a handler thread. After {@link #shutdown} the delivery is released
   * back to the queue instead.
   */
  public void submit(Delivery delivery) {
    try {
      executor.execute(new Task(delivery));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      delivery.release();
    }
  }

  /** How many deliveries wait for a thread. */
  public int queued() {
    return executor.getQueue().size();
  }

  /** How many handlers run now. */
  public int running() {
    return running.get();
  }

  /** Whether {@link #shutdown} was called. */
  public boolean isShutdown() {
    return executor.isShutdown();
  }

  /**
   * Stops taking deliveries, returns the unstarted ones (the caller releases them), and waits up to
   * {@code timeout} for running handlers to finish. Handlers still running then are interrupted and
   * given a short grace; their deliveries stay unsettled, so the broker redelivers them. Returns
   * once the threads have ended or the grace is over.
   *
   * @return the deliveries that never started, in arrival order
   */
  public List<Delivery> shutdown(Duration timeout) {
    List<Runnable> pending = new ArrayList<>();
    executor.getQueue().drainTo(pending);
    executor.shutdown();
    List<Delivery> unstarted = new ArrayList<>(pending.size());
    for (Runnable r : pending) {
      unstarted.add(((Task) r).delivery);
    }
    try {
      if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)
          && running.get() > 0) {
        log.warn(
            "{} handler(s) of queue {} still running after the shutdown timeout of {}; interrupting"
                + " them, their messages will be redelivered",
            running.get(),
            queue,
            timeout);
        executor.shutdownNow();
        executor.awaitTermination(INTERRUPT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    return unstarted;
  }

  private final class Task implements Runnable {
    final Delivery delivery;

    Task(Delivery delivery) {
      this.delivery = delivery;
    }

    @Override
    public void run() {
      running.incrementAndGet();
      try {
        handler.handle(delivery);
      } catch (Throwable t) { // a handler bug must never kill the pool thread or lose the message
        failed(delivery, t);
        if (endsThread(t)) {
          throw (Error) t; // the executor replaces the thread
        }
      } finally {
        running.decrementAndGet();
      }
    }
  }

  /** A serious error (out of memory, ...) ends the thread; a stack overflow has unwound. */
  private static boolean endsThread(Throwable t) {
    return t instanceof Error && !(t instanceof AssertionError || t instanceof StackOverflowError);
  }

  private void failed(Delivery delivery, Throwable t) {
    String id = LogSafe.of(delivery.messageId());
    if (delivery.isSettled()) {
      // Say nothing of releasing: the handler settled the message (and logged the failure).
      log.error(
          "handler of queue {} threw {} after settling message {}{}",
          queue,
          CompactStack.of(t, 1),
          id,
          endsThread(t) ? "; its thread is replaced" : "");
      return;
    }
    if (t instanceof StackOverflowError) {
      log.error(
          "handler of queue {} threw on message {}: {}; releasing it back to the queue",
          queue,
          id,
          CompactStack.of(t, 8));
    } else {
      log.error(
          "handler of queue {} threw on message {}; releasing it back to the queue",
          queue,
          id,
          CompactStack.safe(t));
    }
    delivery.release();
  }

  private static ThreadFactory threadFactory(String queue) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "jc-handler-" + queue + "-" + n.incrementAndGet());
      t.setDaemon(true);
      // What ends a handler thread was logged by the task already (once, compact).
      t.setUncaughtExceptionHandler(
          (thread, e) -> log.debug("handler thread {} ended: {}", thread.getName(), e.toString()));
      return t;
    };
  }
}
