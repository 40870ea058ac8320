package io.jobcommon.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code bad-input-corpus.jsonl} from the test classpath: one {@link CorpusCase} a line. */
final class BadInputCorpus {
  static final String RESOURCE = "/bad-input-corpus.jsonl";

  private BadInputCorpus() {}

  static List<CorpusCase> load() {
    ObjectMapper mapper = new ObjectMapper();
    List<CorpusCase> cases = new ArrayList<>();
    try (InputStream in = BadInputCorpus.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the test classpath");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      int n = 0;
      while ((line = reader.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        try {
          cases.add(new CorpusCase(mapper.readTree(line)));
        } catch (IOException e) {
          throw new IllegalStateException(RESOURCE + " line " + n + " is not JSON: " + e, e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return cases;
  }

  /**
   * The cases that run on {@code broker}; only those whose name matches the regular expression in
   * the system property {@code corpus.only}, when set (to replay a few cases while debugging).
   */
  static List<CorpusCase> forBroker(String broker) {
    String only = System.getProperty("corpus.only", "");
    List<CorpusCase> out = new ArrayList<>();
    for (CorpusCase c : load()) {
      if (c.runsOn(broker) && (only.isEmpty() || c.name().matches(only))) {
        out.add(c);
      }
    }
    return out;
  }
}
