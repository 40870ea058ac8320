package io.jobcommon.messaging.spi;

import io.jobcommon.messaging.ConfigurationException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Named settings for a {@link TransportProvider}: environment variables by default. Blank values
 * count as absent. Errors are {@link ConfigurationException}s naming the variable and the expected
 * form.
 *
 * <p>Immutable and thread-safe.
 */
public final class TransportSettings {
  private final Function<String, String> lookup;

  private TransportSettings(Function<String, String> lookup) {
    this.lookup = lookup;
  }

  /** Settings read from the process environment. */
  public static TransportSettings fromEnvironment() {
    return new TransportSettings(System::getenv);
  }

  /** Settings read from {@code values} (copied). */
  public static TransportSettings of(Map<String, String> values) {
    Map<String, String> copy = Map.copyOf(values);
    return new TransportSettings(copy::get);
  }

  /** Settings read through {@code lookup}, which returns null for an absent name. */
  public static TransportSettings of(Function<String, String> lookup) {
    return new TransportSettings(Objects.requireNonNull(lookup, "lookup"));
  }

  /** The value of {@code name}, trimmed, if present and not blank. */
  public Optional<String> get(String name) {
    String v = lookup.apply(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  /**
   * The value of {@code name}.
   *
   * @param expected the expected form, for the error message
   * @throws ConfigurationException when absent
   */
  public String require(String name, String expected) {
    return get(name)
        .orElseThrow(
            () ->
                new ConfigurationException(name, name + " is not set (expected " + expected + ")"));
  }

  /**
   * {@code true}/{@code false} (also {@code 1}/{@code 0}, {@code yes}/{@code no}), or the default.
   */
  public boolean getBoolean(String name, boolean defaultValue) {
    Optional<String> v = get(name);
    if (v.isEmpty()) {
      return defaultValue;
    }
    switch (v.get().toLowerCase(Locale.ROOT)) {
      case "true":
      case "1":
      case "yes":
        return true;
      case "false":
      case "0":
      case "no":
        return false;
      default:
        throw new ConfigurationException(
            name, name + " is not a boolean: '" + v.get() + "' (expected true or false)");
    }
  }

  /** A positive whole number, or the default. */
  public int getInt(String name, int defaultValue) {
    Optional<String> v = get(name);
    if (v.isEmpty()) {
      return defaultValue;
    }
    try {
      int i = Integer.parseInt(v.get());
      if (i <= 0) {
        throw new NumberFormatException();
      }
      return i;
    } catch (NumberFormatException e) {
      throw new ConfigurationException(
          name, name + " is not a positive whole number: '" + v.get() + "'");
    }
  }

  /**
   * A duration such as {@code 30s}, {@code 500ms}, {@code 5m}, {@code 1h}, a bare number of
   * seconds, or an ISO-8601 duration ({@code PT30S}); or the default.
   */
  public Duration getDuration(String name, Duration defaultValue) {
    Optional<String> v = get(name);
    if (v.isEmpty()) {
      return defaultValue;
    }
    Duration d = parseDuration(v.get());
    if (d == null || d.isNegative()) {
      throw new ConfigurationException(
          name,
          name
              + " is not a duration: '"
              + v.get()
              + "' (expected a number with a unit, such as 30s, 500ms, 5m or 1h)");
    }
    return d;
  }

  private static @Nullable Duration parseDuration(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (s.startsWith("p")) {
        return Duration.parse(s.toUpperCase(Locale.ROOT));
      }
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
      }
      char unit = s.charAt(s.length() - 1);
      String number = Character.isDigit(unit) ? s : s.substring(0, s.length() - 1).trim();
      long n = Long.parseLong(number);
      switch (unit) {
        case 'h':
          return Duration.ofHours(n);
        case 'm':
          return Duration.ofMinutes(n);
        case 's':
          return Duration.ofSeconds(n);
        default:
          return Character.isDigit(unit) ? Duration.ofSeconds(n) : null;
      }
    } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
      return null;
    }
  }
}
