package io.jobcommon.messaging.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CompactStackTest {

  @SuppressWarnings("InfiniteRecursion") // on purpose: the test needs a StackOverflowError
  private static int recurse(int n) {
    return recurse(n + 1) + 1;
  }

  @Test
  void aStackOverflowBecomesOneShortLine() {
    StackOverflowError e = null;
    try {
      recurse(0);
    } catch (StackOverflowError caught) {
      e = caught;
    }
    String line = CompactStack.of(e, 8);
    assertThat(line)
        .startsWith("java.lang.StackOverflowError (")
        .contains("CompactStackTest.recurse(CompactStackTest.java:")
        .doesNotContain("\n");
    assertThat(line.length()).isLessThan(1200);
  }

  @Test
  void safeKeepsCleanThrowablesAndNeutralisesForgingOnes() {
    IllegalStateException clean = new IllegalStateException("fine", new RuntimeException("ok"));
    assertThat(CompactStack.safe(clean)).isSameAs(clean);

    RuntimeException cause = new RuntimeException("id-1\r\nERROR forged");
    IllegalStateException forging = new IllegalStateException("wrapper", cause);
    Throwable safe = CompactStack.safe(forging);
    assertThat(safe.getMessage()).isEqualTo("java.lang.IllegalStateException: wrapper");
    assertThat(safe.getCause().getMessage())
        .isEqualTo("java.lang.RuntimeException: id-1\\r\\nERROR forged");
    assertThat(safe.getStackTrace()).isEqualTo(forging.getStackTrace());
  }
}
