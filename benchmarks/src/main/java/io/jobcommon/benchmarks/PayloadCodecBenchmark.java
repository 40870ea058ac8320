package io.jobcommon.benchmarks;

import io.jobcommon.messaging.PayloadCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The default JSON codec on a payload of about 1 KiB: encode and decode. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PayloadCodecBenchmark {
  private final PayloadCodec codec = PayloadCodec.json();
  private final SbomUploaded payload = SbomUploaded.sample();
  private final byte[] body = codec.encode(payload);

  /** The payload's JSON size in bytes, for the docs. */
  public int bodySize() {
    return body.length;
  }

  /** Payload to JSON bytes. */
  @Benchmark
  public byte[] encode() {
    return codec.encode(payload);
  }

  /** JSON bytes to payload. */
  @Benchmark
  public Object decode() {
    return codec.decode(body, SbomUploaded.class);
  }

  /**
   * A job payload as the workers send it.
   *
   * @param sbomId the SBOM
   * @param orgId the organization
   * @param uploadedAt when it was uploaded
   * @param components component references, about 1 KiB in all
   */
  public record SbomUploaded(
      String sbomId, String orgId, Instant uploadedAt, List<String> components) {

    static SbomUploaded sample() {
      List<String> components = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        components.add("pkg:maven/org.example/component-" + i + "@1." + i + ".0");
      }
      return new SbomUploaded(
          "sbom-4f1c2a9e-0b7d-4c55-9a51-2f0e6d3b8c11",
          "org-7d2e",
          Instant.parse("2026-11-24T10:15:30Z"),
          List.copyOf(components));
    }
  }
}
