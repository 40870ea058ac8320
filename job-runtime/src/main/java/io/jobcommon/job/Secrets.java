package io.jobcommon.job;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Masks the values of secret variables in messages that may quote them: configuration errors come
 * from the OpenTelemetry SDK and from broker providers, and any of them might echo a value back.
 */
final class Secrets {
  static final String MASK = "****";

  private Secrets() {}

  /** {@code message} with every secret value of {@code environment} replaced by {@code ****}. */
  static String mask(String message, Map<String, String> environment) {
    String masked = message;
    for (String secret : secretValues(environment)) {
      masked = masked.replace(secret, MASK);
    }
    return masked;
  }

  private static List<String> secretValues(Map<String, String> environment) {
    List<String> values = new ArrayList<>();
    for (Map.Entry<String, String> e : environment.entrySet()) {
      String name = e.getKey().toUpperCase(Locale.ROOT);
      String value = e.getValue();
      if (value == null || value.isBlank()) {
        continue;
      }
      if (isSecretName(name)) {
        addHeaderValues(name, value, values);
        values.add(value);
      }
      if (value.contains("://") && value.contains("@")) {
        userInfoPassword(value).ifPresent(values::add);
      }
    }
    // Longest first, so that a secret containing another is masked whole.
    values.sort((a, b) -> Integer.compare(b.length(), a.length()));
    values.removeIf(v -> v.length() < 3);
    return values;
  }

  private static boolean isSecretName(String name) {
    return name.contains("PASSWORD")
        || name.contains("SECRET")
        || name.contains("TOKEN")
        || name.endsWith("_HEADERS")
        || name.contains("CREDENTIAL");
  }

  /** {@code k1=v1,k2=v2}: each value on its own, in case a message quotes a single header. */
  private static void addHeaderValues(String name, String value, List<String> values) {
    if (!name.endsWith("_HEADERS")) {
      return;
    }
    for (String pair : value.split(",", -1)) { // empty pairs are skipped below
      int eq = pair.indexOf('=');
      if (eq >= 0) {
        values.add(pair.substring(eq + 1).trim());
      }
    }
  }

  private static java.util.Optional<String> userInfoPassword(String value) {
    try {
      String userInfo = URI.create(value.trim()).getRawUserInfo();
      if (userInfo != null && userInfo.indexOf(':') >= 0) {
        return java.util.Optional.of(userInfo.substring(userInfo.indexOf(':') + 1));
      }
    } catch (IllegalArgumentException e) {
      // Not a URI: fall back to the text between ':' and '@' after the scheme.
      int start = value.indexOf("://") + 3;
      int at = value.indexOf('@', start);
      int colon = value.indexOf(':', start);
      if (colon > 0 && at > colon) {
        return java.util.Optional.of(value.substring(colon + 1, at));
      }
    }
    return java.util.Optional.empty();
  }
}
