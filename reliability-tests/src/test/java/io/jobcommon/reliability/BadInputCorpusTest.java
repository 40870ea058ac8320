package io.jobcommon.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The checked-in corpus is well formed and covers what issue #9 lists, on each broker. */
class BadInputCorpusTest {
  private final List<CorpusCase> cases = BadInputCorpus.load();

  @Test
  void everyCaseIsWellFormedAndNamedOnce() {
    Set<String> names = new HashSet<>();
    for (CorpusCase c : cases) {
      assertThat(c.problems()).as("case %s", c.name()).isEmpty();
      assertThat(names.add(c.name())).as("duplicate name %s", c.name()).isTrue();
      assertThat(c.body()).as("body of %s", c.name()).isNotNull();
    }
  }

  @Test
  void eachBrokerRunsAtLeastAHundredCasesOfEveryKind() {
    for (String broker : List.of("rabbitmq", "sqs")) {
      List<CorpusCase> mine = BadInputCorpus.forBroker(broker);
      assertThat(mine).as(broker).hasSizeGreaterThanOrEqualTo(100);
      Set<String> categories = mine.stream().map(CorpusCase::category).collect(Collectors.toSet());
      assertThat(categories)
          .as(broker)
          .contains(
              "malformed-json",
              "wrong-types",
              "empty",
              "size",
              "encoding",
              "nesting",
              "traceparent",
              "tracestate",
              "baggage",
              "body-trace-context",
              "headers",
              "handler");
      assertThat(mine.stream().filter(c -> c.expect(broker).equals(CorpusCase.DEAD_LETTER)))
          .as("poison messages on %s", broker)
          .hasSizeGreaterThanOrEqualTo(40);
    }
    assertThat(BadInputCorpus.forBroker("rabbitmq"))
        .extracting(CorpusCase::category)
        .contains("amqp-header-types");
    assertThat(BadInputCorpus.forBroker("sqs"))
        .extracting(CorpusCase::category)
        .contains("sqs-attributes", "sqs-attribute-budget");
  }
}
