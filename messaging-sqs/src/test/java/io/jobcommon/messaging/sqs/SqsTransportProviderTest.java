package io.jobcommon.messaging.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobcommon.messaging.ConfigurationException;
import io.jobcommon.messaging.spi.Transport;
import io.jobcommon.messaging.spi.TransportProvider;
import io.jobcommon.messaging.spi.TransportSettings;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class SqsTransportProviderTest {
  @Test
  void isFoundByTheServiceLoaderAsSqs() {
    assertThat(ServiceLoader.load(TransportProvider.class))
        .anySatisfy(
            p -> {
              assertThat(p).isInstanceOf(SqsTransportProvider.class);
              assertThat(p.name()).isEqualTo("sqs");
            });
  }

  @Test
  void buildsATransportFromValidSettingsWithoutCallingSqs() {
    Transport t =
        new SqsTransportProvider()
            .create(
                TransportSettings.of(
                    Map.of(
                        "AWS_REGION", "eu-west-1",
                        "SQS_ENDPOINT", "http://127.0.0.1:9",
                        "SQS_AUTO_CREATE_QUEUES", "true",
                        "SQS_MAX_RECEIVE_COUNT", "12",
                        "SQS_WARM_UP_QUEUES", "orders, invoices",
                        "SQS_WARM_UP_TIMEOUT", "0",
                        "AWS_ACCESS_KEY_ID", "AKIAEXAMPLE",
                        "AWS_SECRET_ACCESS_KEY", "secret")));
    try {
      assertThat(t.system()).isEqualTo("aws_sqs");
    } finally {
      t.close();
    }
  }

  private static ConfigurationException fails(Map<String, String> settings) {
    try {
      new SqsTransportProvider().create(TransportSettings.of(settings)).close();
    } catch (ConfigurationException e) {
      return e;
    }
    throw new AssertionError("no ConfigurationException for " + settings);
  }

  @Test
  void badValuesNameTheVariable() {
    ConfigurationException region = fails(Map.of("AWS_REGION", "Ireland"));
    assertThat(region.setting()).isEqualTo("AWS_REGION");
    assertThat(region).hasMessageContaining("'Ireland'").hasMessageContaining("eu-west-1");

    ConfigurationException endpoint =
        fails(Map.of("AWS_REGION", "eu-west-1", "SQS_ENDPOINT", "localhost:4566"));
    assertThat(endpoint.setting()).isEqualTo("SQS_ENDPOINT");
    assertThat(endpoint).hasMessageContaining("'localhost:4566'");

    ConfigurationException auto =
        fails(Map.of("AWS_REGION", "eu-west-1", "SQS_AUTO_CREATE_QUEUES", "maybe"));
    assertThat(auto.setting()).isEqualTo("SQS_AUTO_CREATE_QUEUES");

    ConfigurationException count =
        fails(Map.of("AWS_REGION", "eu-west-1", "SQS_MAX_RECEIVE_COUNT", "5000"));
    assertThat(count.setting()).isEqualTo("SQS_MAX_RECEIVE_COUNT");

    ConfigurationException warmUp =
        fails(Map.of("AWS_REGION", "eu-west-1", "SQS_WARM_UP_TIMEOUT", "soon"));
    assertThat(warmUp.setting()).isEqualTo("SQS_WARM_UP_TIMEOUT");
  }

  @Test
  void halfACredentialPairIsRefusedWithoutPrintingTheSecret() {
    ConfigurationException e =
        fails(Map.of("AWS_REGION", "eu-west-1", "AWS_SECRET_ACCESS_KEY", "s3cr3t-value"));
    assertThat(e.setting()).isEqualTo("AWS_ACCESS_KEY_ID");
    assertThat(e.getMessage()).doesNotContain("s3cr3t-value");
  }

  @Test
  void aClientAndClientSettingsExcludeEachOther() {
    try (software.amazon.awssdk.services.sqs.SqsAsyncClient c =
        software.amazon.awssdk.services.sqs.SqsAsyncClient.builder()
            .region(software.amazon.awssdk.regions.Region.EU_WEST_1)
            .credentialsProvider(ElasticMq.CREDENTIALS)
            .build()) {
      assertThatThrownBy(() -> SqsTransport.builder().setClient(c).setRegion("eu-west-1").build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("setClient excludes setRegion");
    }
  }
}
