package io.jobcommon.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The export-ceiling mode, for half a second, to a sink in the test JVM. */
class ExportCeilingTest {

  @Test
  void everySpanCreatedIsExportedOrCountedAsDropped() throws Exception {
    try (OtlpSink sink = OtlpSink.start(0)) {
      List<String> lines =
          Cli.run(
              "export-ceiling",
              "--duration",
              "0.5",
              "--producers",
              "2",
              "--bsp-delay-ms",
              "50",
              "--sink-url",
              sink.baseUrl());

      String line = lines.get(lines.size() - 1);
      System.out.println(line);
      assertThat(line).startsWith(ExportCeiling.PREFIX + "threads=2 ");
      Map<String, String> f = new HashMap<>();
      for (String part : line.substring(ExportCeiling.PREFIX.length()).split(" ")) {
        f.put(part.substring(0, part.indexOf('=')), part.substring(part.indexOf('=') + 1));
      }
      long created = Long.parseLong(f.get("spans_created"));
      long exported = Long.parseLong(f.get("spans_exported"));
      assertThat(created).isPositive();
      assertThat(exported).isPositive();
      assertThat(exported + Long.parseLong(f.get("spans_dropped"))).isEqualTo(created);
      assertThat(Long.parseLong(f.get("sink_spans"))).isEqualTo(exported);
      assertThat(sink.spans()).isEqualTo(exported);
      assertThat(Double.parseDouble(f.get("exported_per_s"))).isPositive();
    }
  }
}
