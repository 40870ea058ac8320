package io.jobcommon.examples.domain;

import java.util.Objects;

/**
 * One software component listed in an SBOM. Immutable.
 *
 * @param name the package name, such as {@code log4j-core}
 * @param version the package version, such as {@code 2.14.1}
 */
public record Component(String name, String version) {
  public Component {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
  }
}
