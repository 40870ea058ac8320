package io.jobcommon.messaging.sqs;

import io.jobcommon.messaging.ConfigurationException;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClientBuilder;

/**
 * A client {@link SqsTransport.Builder} made (not the caller's), with its Netty event loops: the
 * transport closes both. Thread-safe.
 */
record OwnedClient(SqsAsyncClient client, SdkEventLoopGroup eventLoops) {

  /**
   * A client for {@code region} (else the SDK's chain; {@code us-east-1} with an endpoint and no
   * region), {@code endpoint} and {@code credentials} (else the SDK's chain).
   *
   * @throws ConfigurationException when no region is set and the SDK's chain finds none
   */
  static OwnedClient create(
      @Nullable String region,
      @Nullable URI endpoint,
      @Nullable AwsCredentialsProvider credentials) {
    SdkEventLoopGroup eventLoops = SdkEventLoopGroup.builder().build();
    SqsAsyncClientBuilder b =
        SqsAsyncClient.builder()
            .httpClientBuilder(NettyNioAsyncHttpClient.builder().eventLoopGroup(eventLoops));
    if (region != null) {
      b.region(Region.of(region));
    } else if (endpoint != null) {
      b.region(Region.US_EAST_1);
    }
    if (endpoint != null) {
      b.endpointOverride(endpoint);
    }
    if (credentials != null) {
      b.credentialsProvider(credentials);
    }
    try {
      return new OwnedClient(b.build(), eventLoops);
    } catch (SdkClientException e) {
      eventLoops.eventLoopGroup().shutdownGracefully(0, 5, TimeUnit.SECONDS);
      throw new ConfigurationException(
          "AWS_REGION",
          "no AWS region for SQS: "
              + e.getMessage()
              + " (set AWS_REGION, such as eu-west-1, or SqsTransport.Builder.setRegion)");
    } catch (RuntimeException e) {
      eventLoops.eventLoopGroup().shutdownGracefully(0, 5, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** Closes the client, then its event loops. */
  void close() {
    client.close();
    // Netty's default quiet period would hold every close for 2 s. None at all races the
    // connection pool's own closing tasks (a RejectedExecutionException logged by Netty), so
    // give them a short one.
    eventLoops
        .eventLoopGroup()
        .shutdownGracefully(100, 5_000, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly();
  }
}
