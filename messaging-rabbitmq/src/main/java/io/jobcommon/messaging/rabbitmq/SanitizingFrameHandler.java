package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.WriteListener;
import com.rabbitmq.client.impl.AMQConnection;
import com.rabbitmq.client.impl.Frame;
import com.rabbitmq.client.impl.FrameHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketException;

/**
 * A {@link FrameHandler} that passes every frame it reads through {@link HeaderFrames#sanitize}
 * before amqp-client parses it, and delegates everything else. Thread-safe as its delegate.
 */
final class SanitizingFrameHandler implements FrameHandler {
  private final FrameHandler delegate;

  SanitizingFrameHandler(FrameHandler delegate) {
    this.delegate = delegate;
  }

  @Override
  public Frame readFrame() throws IOException {
    return HeaderFrames.sanitize(delegate.readFrame());
  }

  @Override
  public boolean internalHearbeat() {
    return delegate.internalHearbeat();
  }

  @Override
  public void setTimeout(int timeoutMs) throws SocketException {
    delegate.setTimeout(timeoutMs);
  }

  @Override
  public int getTimeout() throws SocketException {
    return delegate.getTimeout();
  }

  @Override
  public void sendHeader() throws IOException {
    delegate.sendHeader();
  }

  @Override
  public void initialize(AMQConnection connection) {
    delegate.initialize(connection);
  }

  @Override
  public void startProcessing() {
    delegate.startProcessing();
  }

  @Override
  public void finishConnectionNegotiation() {
    delegate.finishConnectionNegotiation();
  }

  @Override
  public void setFrameMax(int value) {
    delegate.setFrameMax(value);
  }

  @Override
  public void writeFrame(Frame frame) throws IOException {
    delegate.writeFrame(frame);
  }

  @Override
  public void flush(WriteListener listener) throws IOException {
    delegate.flush(listener);
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public InetAddress getLocalAddress() {
    return delegate.getLocalAddress();
  }

  @Override
  public int getLocalPort() {
    return delegate.getLocalPort();
  }

  @Override
  public InetAddress getAddress() {
    return delegate.getAddress();
  }

  @Override
  public int getPort() {
    return delegate.getPort();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
