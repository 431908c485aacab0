package io.runnel.storage.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The JDBC driver shades {@code io.runnel.storage.format} (with its sub-packages): it may import only the JDK, arrow-format's
 * flatbuffers, flatbuffers-java and the two compression libraries — no log code, no logging, no
 * Arrow Java memory code (see docs/design/0001-own-arrow-ipc-codec.md).
 */
class FormatPackageDependenciesTest {
    private static final List<String> ALLOWED = List.of("java.", "org.apache.arrow.flatbuf.", "com.google.flatbuffers.",
            "com.github.luben.zstd.", "net.jpountz.", "io.runnel.storage.format.");

    @Test
    void formatImportsOnlyTheJdkArrowFormatAndCompression() throws IOException {
        Path sources = Path.of("src/main/java/io/runnel/storage/format");
        assertThat(sources).isDirectory();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    String trimmed = line.trim();
                    if (trimmed.startsWith("import ")) {
                        String target = trimmed.replace("import static ", "").replace("import ", "");
                        assertThat(ALLOWED.stream().anyMatch(target::startsWith))
                                .as("%s imports %s", file.getFileName(), target).isTrue();
                    }
                }
            }
        }
    }
}
