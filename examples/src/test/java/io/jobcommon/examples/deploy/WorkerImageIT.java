package io.jobcommon.examples.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/docker/Dockerfile cannot be built here (no Docker), so it is checked against the build it
 * packages: a JRE base image, a non-root user, every file it copies produced by {@code mvn
 * package}, and every main class the image and the manifests start present in the jar.
 */
class WorkerImageIT {
  private static final Pattern JSON_ARRAY = Pattern.compile("\\[(.*)]");

  @Test
  void theImageRunsAJreAsNonRootAndStartsClassesTheBuiltJarHolds() throws Exception {
    List<String> lines = instructions(Repo.file("deploy/docker/Dockerfile"));
    String from = only(lines, "FROM");
    assertThat(from).matches("eclipse-temurin:\\d+-jre.*");
    String user = only(lines, "USER");
    assertThat(user).doesNotStartWith("root").doesNotStartWith("0").matches("\\d+(:\\d+)?");
    List<String> copied = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("COPY ")) {
        String[] parts = line.substring(5).trim().split("\\s+");
        for (int i = 0; i < parts.length - 1; i++) {
          copied.add(parts[i]);
          assertThat(Repo.root().resolve(parts[i])).as("COPY source " + parts[i]).exists();
        }
      }
    }
    assertThat(copied).contains("examples/target/demo.jar");
    assertThat(only(lines, "ENTRYPOINT")).contains("/app/app.jar");

    List<String> mains = new ArrayList<>(jsonArray(only(lines, "CMD")));
    Repo.yaml("deploy/kubernetes/worker-deployment.yaml")
        .path("spec")
        .path("template")
        .path("spec")
        .path("containers")
        .forEach(c -> c.path("args").forEach(a -> mains.add(a.asText())));
    Repo.yaml("deploy/kubernetes/cronjob.yaml")
        .path("spec")
        .path("jobTemplate")
        .path("spec")
        .path("template")
        .path("spec")
        .path("containers")
        .forEach(c -> c.path("args").forEach(a -> mains.add(a.asText())));
    for (JsonNode c : Repo.json("deploy/ecs/task-definition.json").path("containerDefinitions")) {
      c.path("command").forEach(a -> mains.add(a.asText()));
    }
    assertThat(mains).hasSizeGreaterThanOrEqualTo(4);
    Path jar = Repo.root().resolve("examples/target/demo.jar");
    try (JarFile built = new JarFile(jar.toFile())) {
      for (String main : mains) {
        assertThat(built.getEntry(main.replace('.', '/') + ".class")).as(main).isNotNull();
      }
      String classPath = built.getManifest().getMainAttributes().getValue("Class-Path");
      for (String entry : classPath.trim().split("\\s+")) {
        assertThat(jar.getParent().resolve(entry)).as("Class-Path " + entry).exists();
      }
      assertThat(classPath).contains("job-runtime-").contains("opentelemetry-exporter-prometheus-");
    }
  }

  /** The Dockerfile's instructions, continuation lines joined, comments dropped. */
  private static List<String> instructions(Path dockerfile) throws Exception {
    List<String> result = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(dockerfile)) {
      if (line.isBlank() || line.trim().startsWith("#")) {
        continue;
      }
      String trimmed = line.trim();
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      result.add(current.append(trimmed).toString());
      current.setLength(0);
    }
    return result;
  }

  private static String only(List<String> lines, String instruction) {
    List<String> found =
        lines.stream()
            .filter(l -> l.startsWith(instruction + " "))
            .map(l -> l.substring(instruction.length()).trim())
            .toList();
    assertThat(found).as(instruction).hasSize(1);
    return found.get(0);
  }

  private static List<String> jsonArray(String text) {
    Matcher m = JSON_ARRAY.matcher(text);
    assertThat(m.find()).as("exec form: " + text).isTrue();
    List<String> items = new ArrayList<>();
    for (String item : m.group(1).split(",")) {
      items.add(item.trim().replaceAll("^\"|\"$", ""));
    }
    return items;
  }
}
