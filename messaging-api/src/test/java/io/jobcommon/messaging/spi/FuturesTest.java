package io.jobcommon.messaging.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class FuturesTest {

  @Test
  void unwrapsNestedFutureWrappersToTheCause() {
    IllegalStateException cause = new IllegalStateException("broker said no");
    assertThat(Futures.unwrap(new CompletionException(new ExecutionException(cause))))
        .isSameAs(cause);
  }

  @Test
  void keepsWhatIsNotAWrapperOrWrapsNothing() {
    IllegalStateException plain = new IllegalStateException("x", new RuntimeException("inner"));
    assertThat(Futures.unwrap(plain)).isSameAs(plain);
    CompletionException empty = new CompletionException("no cause", null);
    assertThat(Futures.unwrap(empty)).isSameAs(empty);
    CancellationException cancelled = new CancellationException();
    assertThat(Futures.unwrap(cancelled)).isSameAs(cancelled);
  }
}
