package io.jobcommon.spring.boot;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Puts the SDK's metrics where a Spring Boot application's metrics already are, {@code
 * /actuator/prometheus}, under Spring Boot's own OpenTelemetry support: Boot builds its SDK with
 * the application's {@link SdkMeterProvider} bean and defines none itself (its metrics go through
 * Micrometer), so the SDK's would be dropped. This one reads them into Micrometer's Prometheus
 * registry. Active only with {@code io.opentelemetry:opentelemetry-exporter-prometheus} on the
 * class path, a {@link PrometheusMeterRegistry}, and no {@link SdkMeterProvider} of the
 * application's.
 */
@AutoConfiguration(
    afterName =
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration",
    beforeName =
        "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration")
@ConditionalOnClass(
    name = {
      "io.opentelemetry.exporter.prometheus.PrometheusMetricReader",
      "io.micrometer.prometheusmetrics.PrometheusMeterRegistry",
      "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration"
    })
@ConditionalOnBean(type = "io.micrometer.prometheusmetrics.PrometheusMeterRegistry")
public class JobCommonPrometheusAutoConfiguration {

  /** Creates the configuration; Spring calls it. */
  public JobCommonPrometheusAutoConfiguration() {}

  /** A meter provider whose metrics Micrometer's Prometheus registry scrapes. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(SdkMeterProvider.class)
  public SdkMeterProvider jobCommonSdkMeterProvider(PrometheusMeterRegistry registry) {
    PrometheusMetricReader reader = PrometheusMetricReader.create();
    registry.getPrometheusRegistry().register(reader);
    return SdkMeterProvider.builder().registerMetricReader(reader).build();
  }
}
