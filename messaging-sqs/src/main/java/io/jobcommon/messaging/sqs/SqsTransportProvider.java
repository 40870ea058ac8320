package io.jobcommon.messaging.sqs;

import io.jobcommon.messaging.ConfigurationException;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.spi.TransportProvider;
import io.jobcommon.messaging.spi.TransportSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Makes an {@link SqsTransport} from settings, selected by {@code MESSAGING_BROKER=sqs}:
 *
 * <ul>
 *   <li>{@code AWS_REGION}: the region, such as {@code eu-west-1}; else the SDK's default region
 *       chain ({@code us-east-1} when {@code SQS_ENDPOINT} is set).
 *   <li>{@code SQS_ENDPOINT}: an endpoint override such as {@code http://localhost:4566}
 *       (LocalStack, ElasticMQ); optional.
 *   <li>{@code SQS_AUTO_CREATE_QUEUES}: {@code true} creates missing queues with their dead-letter
 *       queue (development); default {@code false}.
 *   <li>{@code SQS_MAX_RECEIVE_COUNT}: the RedrivePolicy {@code maxReceiveCount} of created queues;
 *       default {@value SqsTransport#DEFAULT_DEAD_LETTER_MAX_RECEIVE_COUNT}.
 *   <li>{@code SQS_STALL_TIMEOUT}: how long a call to SQS may go unanswered after it was due before
 *       the transport reports unhealthy; default 10 s.
 *   <li>{@code SQS_WARM_UP_QUEUES}: comma-separated queues whose URLs the transport resolves at
 *       start, so the first send to each is one call; optional.
 *   <li>{@code SQS_WARM_UP_TIMEOUT}: how long the start waits at most for that warm-up (or, with no
 *       queues, for one cheap call that opens the connection); {@code 0} skips it; default 5 s.
 *   <li>Credentials: the SDK's default chain; or {@code AWS_ACCESS_KEY_ID} and {@code
 *       AWS_SECRET_ACCESS_KEY} (and {@code AWS_SESSION_TOKEN}) when the settings hold them.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class SqsTransportProvider implements TransportProvider {
  static final String REGION = "AWS_REGION";
  static final String ENDPOINT = "SQS_ENDPOINT";
  static final String AUTO_CREATE = "SQS_AUTO_CREATE_QUEUES";
  static final String MAX_RECEIVE_COUNT = "SQS_MAX_RECEIVE_COUNT";
  static final String STALL_TIMEOUT = "SQS_STALL_TIMEOUT";
  static final String WARM_UP_QUEUES = "SQS_WARM_UP_QUEUES";
  static final String WARM_UP_TIMEOUT = "SQS_WARM_UP_TIMEOUT";
  static final String ACCESS_KEY = "AWS_ACCESS_KEY_ID";
  static final String SECRET_KEY = "AWS_SECRET_ACCESS_KEY";
  static final String SESSION_TOKEN = "AWS_SESSION_TOKEN";

  /** For {@link java.util.ServiceLoader}. */
  public SqsTransportProvider() {}

  /** {@code sqs}. */
  @Override
  public String name() {
    return "sqs";
  }

  @Override
  public Transport create(TransportSettings settings) {
    return builder(settings).build();
  }

  /** The builder {@link #create} uses, for tests that add to it. */
  static SqsTransport.Builder builder(TransportSettings settings) {
    SqsTransport.Builder b = SqsTransport.builder();
    settings.get(REGION).ifPresent(r -> b.setRegion(region(r)));
    settings.get(ENDPOINT).ifPresent(e -> b.setEndpointOverride(endpoint(e)));
    b.setAutoCreateQueues(settings.getBoolean(AUTO_CREATE, false));
    int max =
        settings.getInt(MAX_RECEIVE_COUNT, SqsTransport.DEFAULT_DEAD_LETTER_MAX_RECEIVE_COUNT);
    if (max > 1000) {
      throw new ConfigurationException(
          MAX_RECEIVE_COUNT, MAX_RECEIVE_COUNT + " is over the SQS maximum of 1000: '" + max + "'");
    }
    b.setDeadLetterMaxReceiveCount(max);
    Duration stall = settings.getDuration(STALL_TIMEOUT, SqsTransport.DEFAULT_STALL_TIMEOUT);
    if (stall.isZero()) {
      throw new ConfigurationException(
          STALL_TIMEOUT,
          STALL_TIMEOUT + " must be positive: '0' (expected a duration such as 10s)");
    }
    b.setStallTimeout(stall);
    settings
        .get(WARM_UP_QUEUES)
        .ifPresent(
            q ->
                b.setWarmUpQueues(
                    Arrays.stream(q.split(","))
                        .map(String::trim)
                        .filter(n -> !n.isEmpty())
                        .toList()));
    b.setWarmUpTimeout(settings.getDuration(WARM_UP_TIMEOUT, SqsTransport.DEFAULT_WARM_UP_TIMEOUT));
    Optional<String> key = settings.get(ACCESS_KEY);
    Optional<String> secret = settings.get(SECRET_KEY);
    if (key.isPresent() != secret.isPresent()) {
      String missing = key.isPresent() ? SECRET_KEY : ACCESS_KEY;
      throw new ConfigurationException(
          missing,
          missing
              + " is not set while "
              + (key.isPresent() ? ACCESS_KEY : SECRET_KEY)
              + " is (set both, or neither to use the SDK's default credentials chain)");
    }
    if (key.isPresent()) {
      Optional<String> token = settings.get(SESSION_TOKEN);
      b.setCredentialsProvider(
          StaticCredentialsProvider.create(
              token.isPresent()
                  ? AwsSessionCredentials.create(key.get(), secret.get(), token.get())
                  : AwsBasicCredentials.create(key.get(), secret.get())));
    }
    return b;
  }

  private static String region(String value) {
    if (!value.matches("[a-z]{2,}(-[a-z0-9]+)+-\\d+")) {
      throw new ConfigurationException(
          REGION,
          REGION + " is not an AWS region: '" + value + "' (expected a region such as eu-west-1)");
    }
    return value;
  }

  private static URI endpoint(String value) {
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme();
      if (("http".equals(scheme) || "https".equals(scheme)) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below with the expected form
    }
    throw new ConfigurationException(
        ENDPOINT,
        ENDPOINT
            + " is not an http(s) URL: '"
            + value
            + "' (expected such as http://localhost:4566)");
  }
}
