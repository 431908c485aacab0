package io.runnel.bench.suite.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerClasspathTest {

    @Test
    void resolveCommandRunsTheStandalonePomThroughTheWrapper() {
        Path root = Path.of("/repo");
        List<String> command = KafkaBrokerClasspath.resolveCommand(root, Path.of("/repo/benchmarks/kafka-broker/target/cp"));
        assertThat(command).containsExactly(
                "/repo/mvnw",
                "-B",
                "-q",
                "-f",
                "/repo/benchmarks/kafka-broker/pom.xml",
                "dependency:build-classpath",
                "-Dmdep.outputFile=/repo/benchmarks/kafka-broker/target/cp",
                "-Dmdep.includeScope=runtime");
        assertThat(KafkaBrokerClasspath.classpathFile(root))
                .isEqualTo(Path.of("/repo/benchmarks/kafka-broker/target/kafka-broker.classpath"));
    }

    @Test
    void readsAndJoinsTheClasspathFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cp");
        Files.writeString(file, "/m2/kafka_2.13-4.3.1.jar" + File.pathSeparator + "/m2/kafka-clients-4.3.1.jar\n");
        List<Path> cp = KafkaBrokerClasspath.read(file);
        assertThat(cp).containsExactly(Path.of("/m2/kafka_2.13-4.3.1.jar"), Path.of("/m2/kafka-clients-4.3.1.jar"));
        assertThat(KafkaBrokerClasspath.join(cp)).isEqualTo("/m2/kafka_2.13-4.3.1.jar:/m2/kafka-clients-4.3.1.jar");
        assertThat(KafkaBrokerClasspath.kafkaVersion(cp)).isEqualTo("4.3.1");
        Files.writeString(file, "  \n");
        assertThatThrownBy(() -> KafkaBrokerClasspath.read(file)).hasMessageContaining("is empty");
    }

    @Test
    void aPomNewerThanTheResolvedFileMeansResolveAgain(@TempDir Path dir) throws Exception {
        Path pom = Files.writeString(dir.resolve("pom.xml"), "<project/>");
        Path cp = dir.resolve("cp");
        assertThat(KafkaBrokerClasspath.isStale(cp, pom)).isTrue();
        Files.writeString(cp, "x.jar");
        Files.setLastModifiedTime(pom, FileTime.fromMillis(1_000_000));
        Files.setLastModifiedTime(cp, FileTime.fromMillis(2_000_000));
        assertThat(KafkaBrokerClasspath.isStale(cp, pom)).isFalse();
        Files.setLastModifiedTime(pom, FileTime.fromMillis(3_000_000));
        assertThat(KafkaBrokerClasspath.isStale(cp, pom)).isTrue();
    }

    @Test
    void noKafkaJarIsAnError() {
        assertThatThrownBy(() -> KafkaBrokerClasspath.kafkaVersion(List.of(Path.of("/m2/kafka-clients-4.3.1.jar"))))
                .hasMessageContaining("kafka_<scala>-<version>.jar");
    }

    /** The broker and the clients must be the same Kafka: the standalone POM pins it separately. */
    @Test
    void brokerPomPinsTheSameKafkaVersionAsTheParent() throws Exception {
        Path root = repoRoot();
        String parent = Files.readString(root.resolve("pom.xml"));
        String broker = Files.readString(KafkaBrokerClasspath.pom(root));
        assertThat(property(broker, "kafka.version")).isEqualTo(property(parent, "kafka.version"));
        assertThat(broker).doesNotContain("<parent>");
        assertThat(Files.readString(root.resolve("pom.xml"))).doesNotContain("<module>benchmarks/kafka-broker</module>");
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
        assertThat(m.find()).as(name + " in POM").isTrue();
        return m.group(1).trim();
    }

    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolve("benchmarks"))) {
                return p;
            }
        }
        throw new IllegalStateException("not run inside the Runnel checkout");
    }
}
