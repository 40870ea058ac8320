package io.jobcommon.messaging.tracing;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Collection;
import java.util.List;

/** A propagator with a bug: throws on every call. */
final class ThrowingPropagator implements TextMapPropagator {
  @Override
  public Collection<String> fields() {
    return List.of("traceparent");
  }

  @Override
  public <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {
    throw new IllegalStateException("propagator bug");
  }

  @Override
  public <C> Context extract(Context context, C carrier, TextMapGetter<C> getter) {
    throw new IllegalStateException("propagator bug");
  }
}
