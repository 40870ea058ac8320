package io.jobcommon.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every {@code ```java} block of README.md is taken from compiled, tested source: the line above
 * its fence is {@code <!-- snippet: <repo-relative path to a .java file>#<name> -->}, and the block
 * equals the lines between {@code // snippet:start <name>} and {@code // snippet:end <name>} in
 * that file, their common indentation removed. A failure lists every block that is wrong, one
 * paragraph each, starting with {@code README.md:<line of the fence>:}.
 */
class ReadmeSnippetsTest {
  static final Pattern MARKER = Pattern.compile("<!-- snippet: (\\S+\\.java)#([\\w.-]+) -->");

  @Test
  void everyJavaBlockOfTheReadmeEqualsItsMarkedRegion() throws IOException {
    Path root = root();
    List<String> readme = Files.readAllLines(root.resolve("README.md"));
    List<String> failures = new ArrayList<>();
    int blocks = 0;
    for (int i = 0; i < readme.size(); i++) {
      if (!readme.get(i).trim().equals("```java")) {
        continue;
      }
      blocks++;
      int fence = i + 1; // 1-based line of the opening fence
      int end = i + 1;
      while (end < readme.size() && !readme.get(end).trim().equals("```")) {
        end++;
      }
      List<String> block = dedent(readme.subList(i + 1, Math.min(end, readme.size())));
      i = end;
      String above = fence >= 2 ? readme.get(fence - 2).trim() : "";
      Matcher marker = MARKER.matcher(above);
      if (!marker.matches()) {
        failures.add(
            "README.md:"
                + fence
                + ": the ```java block has no marker; put '<!-- snippet: <repo-relative path to a"
                + " .java file>#<name> -->' on the line directly above the fence");
        continue;
      }
      String where = marker.group(1) + "#" + marker.group(2);
      Path source = root.resolve(marker.group(1));
      if (!Files.isRegularFile(source)) {
        failures.add("README.md:" + fence + ": " + where + ": no such file " + marker.group(1));
        continue;
      }
      List<String> region;
      try {
        region = region(Files.readAllLines(source), marker.group(2));
      } catch (IllegalStateException e) {
        failures.add("README.md:" + fence + ": " + where + ": " + e.getMessage());
        continue;
      }
      String difference = firstDifference(block, region);
      if (difference != null) {
        failures.add(
            "README.md:"
                + fence
                + ": the block differs from "
                + where
                + " "
                + difference
                + "; copy the lines between '// snippet:start "
                + marker.group(2)
                + "' and '// snippet:end "
                + marker.group(2)
                + "', common indentation removed");
      }
    }
    assertThat(blocks).as("```java blocks in README.md").isPositive();
    assertThat(failures).as("README snippets out of date").isEmpty();
  }

  /** The lines between the markers of {@code name}, common indentation removed. */
  static List<String> region(List<String> lines, String name) {
    int start = -1;
    int end = -1;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.equals("// snippet:start " + name)) {
        if (start >= 0) {
          throw new IllegalStateException("'// snippet:start " + name + "' appears twice");
        }
        start = i;
      } else if (line.equals("// snippet:end " + name) && start >= 0 && end < 0) {
        end = i;
      }
    }
    if (start < 0 || end < 0) {
      throw new IllegalStateException(
          "no region '// snippet:start " + name + "' ... '// snippet:end " + name + "'");
    }
    return dedent(lines.subList(start + 1, end));
  }

  static List<String> dedent(List<String> lines) {
    int indent = Integer.MAX_VALUE;
    for (String line : lines) {
      if (!line.isBlank()) {
        indent = Math.min(indent, line.length() - line.stripLeading().length());
      }
    }
    List<String> result = new ArrayList<>();
    for (String line : lines) {
      result.add(line.isBlank() ? "" : line.substring(indent).stripTrailing());
    }
    return result;
  }

  /** Where two blocks first differ, or null when they are equal. */
  static String firstDifference(List<String> readme, List<String> source) {
    for (int i = 0; i < Math.max(readme.size(), source.size()); i++) {
      String r = i < readme.size() ? readme.get(i) : "<end of block>";
      String s = i < source.size() ? source.get(i) : "<end of region>";
      if (!r.equals(s)) {
        return "at its line " + (i + 1) + ": README has '" + r + "', the source has '" + s + "'";
      }
    }
    return null;
  }

  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("README.md"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no README.md above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  @Test
  void aDriftedBlockIsReportedWithItsLineAndTheFirstDifference() {
    List<String> source =
        List.of(
            "class A {",
            "  void f() {",
            "    // snippet:start x",
            "    int a = 1;",
            "    int b = 2;",
            "    // snippet:end x",
            "  }",
            "}");
    assertThat(region(source, "x")).containsExactly("int a = 1;", "int b = 2;");
    assertThat(firstDifference(List.of("int a = 1;", "int b = 3;"), region(source, "x")))
        .isEqualTo("at its line 2: README has 'int b = 3;', the source has 'int b = 2;'");
    assertThat(firstDifference(List.of("int a = 1;", "int b = 2;"), region(source, "x"))).isNull();
  }
}
