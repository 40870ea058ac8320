package io.jobcommon.examples.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The BOM (standalone, so it cannot read the parent's properties) manages the Prometheus exporter
 * at the version job-runtime is built with, and every published module.
 */
class BomTest {

  @Test
  void theBomsPrometheusExporterMatchesTheSdkTheBuildUses() throws Exception {
    String parent = Files.readString(Repo.file("pom.xml"));
    String bom = Files.readString(Repo.file("messaging-bom/pom.xml"));
    String sdk = group(parent, "<opentelemetry\\.version>([^<]+)</opentelemetry\\.version>");
    String managed =
        group(
            bom,
            "<artifactId>opentelemetry-exporter-prometheus</artifactId>\\s*<version>([^<]+)</version>");
    assertThat(managed).isEqualTo(sdk + "-alpha");
    for (String module :
        new String[] {
          "messaging-api",
          "messaging-testing",
          "messaging-sqs",
          "messaging-rabbitmq",
          "messaging-tracing",
          "job-runtime"
        }) {
      assertThat(bom).as(module).contains("<artifactId>" + module + "</artifactId>");
    }
  }

  private static String group(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as(regex).isTrue();
    return m.group(1);
  }
}
