package io.jobcommon.benchmarks;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** {@code --name value} command-line options. One thread uses it. */
final class Args {
  private final Map<String, String> values = new LinkedHashMap<>();
  private final Set<String> used = new HashSet<>();

  Args(List<String> args) {
    for (int i = 0; i < args.size(); i++) {
      String name = args.get(i);
      if (!name.startsWith("--") || name.length() < 3) {
        throw new IllegalArgumentException("expected an option like --broker, got '" + name + "'");
      }
      String key = name.substring(2);
      int eq = key.indexOf('=');
      if (eq > 0) {
        values.put(key.substring(0, eq), key.substring(eq + 1));
      } else if (i + 1 < args.size()) {
        values.put(key, args.get(++i));
      } else {
        throw new IllegalArgumentException("option " + name + " needs a value");
      }
    }
  }

  String string(String name, String fallback) {
    String v = optional(name);
    return v == null ? fallback : v;
  }

  @Nullable String optional(String name) {
    used.add(name);
    return values.get(name);
  }

  long integer(String name, long fallback) {
    String v = optional(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a whole number, was '" + v + "'");
    }
  }

  double decimal(String name, double fallback) {
    String v = optional(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a number, was '" + v + "'");
    }
  }

  /** Fails on an option nobody asked for (a typo would otherwise be ignored silently). */
  void requireAllUsed() {
    for (String k : values.keySet()) {
      if (!used.contains(k)) {
        throw new IllegalArgumentException("unknown option --" + k);
      }
    }
  }
}
