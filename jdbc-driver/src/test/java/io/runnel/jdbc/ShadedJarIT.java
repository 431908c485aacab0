package io.runnel.jdbc;

import static io.runnel.jdbc.Behaviors.bigintColumns;
import static io.runnel.jdbc.Behaviors.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped artifact, {@code runnel-jdbc-driver-<version>.jar}, on its own: a child JVM whose
 * class path is that jar and nothing else connects to a server, queries, cancels, times out, gets
 * a mapped error, loads zstd-jni's native library, builds and decodes batches with the relocated
 * batch format (zstd and LZ4), and prints nothing on stderr (no SLF4J warnings, no JVM flags
 * needed). The jar's entries are checked for unrelocated classes.
 */
class ShadedJarIT {
    private static final Path JAR = Path.of(System.getProperty("runnel.driver.jar", "target/missing.jar"));
    private static final String VERSION = System.getProperty("runnel.project.version");
    /** Classes allowed outside io/runnel/jdbc/shaded: the driver's own, and zstd-jni (JNI names, see pom.xml). */
    private static final List<String> UNRELOCATED_CLASS_PREFIXES = List.of("io/runnel/jdbc/", "com/github/luben/zstd/");
    /** zstd-jni's native libraries, one directory per OS. */
    private static final List<String> NATIVE_DIRECTORIES = List.of("aix/", "darwin/", "freebsd/", "linux/", "win/");

    @TempDir
    static Path dir;
    static FakeRunnelServer server;

    @BeforeAll
    static void start() {
        server = FakeRunnelServer.start();
        server.meta().on("SELECT n FROM t", Behaviors.bounded(bigintColumns("N"), List.of(row(1L), row(2L), row(3L))));
        server.meta().on("SELECT n FROM silent EMIT CHANGES", Behaviors.stuck(bigintColumns("N"), server.meta().shutdown, 60_000));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Output of a finished child JVM. */
    private record Run(int exitCode, String stdout, String stderr) {
    }

    private static Run runJava(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).start();
        CompletableFuture<String> stdout = readAsync(process.getInputStream());
        CompletableFuture<String> stderr = readAsync(process.getErrorStream());
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child JVM did not finish in 120 s: " + command);
        }
        return new Run(process.exitValue(), stdout.get(10, TimeUnit.SECONDS), stderr.get(10, TimeUnit.SECONDS));
    }

    private static CompletableFuture<String> readAsync(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void theJarAloneConnectsQueriesCancelsAndLoadsItsNativeCode() throws Exception {
        Path probe = dir.resolve("ShadedJarProbe.java");
        try (InputStream source = ShadedJarIT.class.getResourceAsStream("ShadedJarProbe.java")) {
            Files.copy(source, probe);
        }

        Run run = runJava("-cp", JAR.toString(), probe.toString(), server.url());

        System.out.println("child stdout:\n" + run.stdout());
        assertThat(run.exitCode()).as("exit code; stderr:\n" + run.stderr()).isZero();
        assertThat(run.stderr()).as("nothing on stderr (no SLF4J noise)").isEmpty();
        assertThat(run.stdout().lines()).contains(
                "driver io.runnel.jdbc.RunnelDriver " + VERSION.replaceAll("^(\\d+)\\.(\\d+).*", "$1.$2"),
                "rows 1,2,3",
                "metadata Runnel JDBC Driver " + VERSION,
                "error SQLSyntaxErrorException 42P01 unknown SQL in the fake server: SELECT * FROM nowhere",
                "cancel SQLTimeoutException 57014",
                "relocated ok");
        assertThat(run.stdout()).contains("timeout SQLTimeoutException 57014 query timeout after 1 s")
                .containsPattern("zstd ok \\d+ -> \\d+ bytes")
                .containsPattern("lz4 ok \\d+ -> \\d+ bytes");
        assertThat(run.stdout()).containsPattern("format ZSTD ok 1000 rows in \\d+ bytes")
                .containsPattern("format LZ4_FRAME ok 1000 rows in \\d+ bytes");
    }

    @Test
    void javaMinusJarPrintsTheVersion() throws Exception {
        Run run = runJava("-jar", JAR.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout().strip()).isEqualTo("Runnel JDBC Driver " + VERSION + " (JDBC 4.1)");
        assertThat(run.stderr()).isEmpty();
    }

    @Test
    void everyDependencyIsRelocatedAndOnlyTheDriverRegisters() throws IOException {
        List<String> unrelocated = new ArrayList<>();
        List<String> strayResources = new ArrayList<>();
        try (ZipFile jar = new ZipFile(JAR.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(jar.entries())) {
                String name = entry.getName();
                if (entry.isDirectory()) {
                    continue;
                }
                if (name.endsWith(".class")) {
                    if (UNRELOCATED_CLASS_PREFIXES.stream().noneMatch(name::startsWith)) {
                        unrelocated.add(name);
                    }
                } else if (!name.startsWith("META-INF/") && !name.startsWith("io/runnel/jdbc/")
                        && NATIVE_DIRECTORIES.stream().noneMatch(name::startsWith)) {
                    strayResources.add(name);
                }
            }
            assertThat(unrelocated).as("classes outside io/runnel/jdbc (zstd-jni excepted)").isEmpty();
            assertThat(strayResources).as("resources outside META-INF and the zstd natives").isEmpty();
            String drivers = new String(jar.getInputStream(jar.getEntry("META-INF/services/java.sql.Driver"))
                    .readAllBytes(), StandardCharsets.UTF_8);
            assertThat(drivers.strip()).isEqualTo("io.runnel.jdbc.RunnelDriver");
            assertThat(jar.getEntry("META-INF/services/io.runnel.jdbc.shaded.org.slf4j.spi.SLF4JServiceProvider"))
                    .as("slf4j routed to java.util.logging").isNotNull();
            assertThat(jar.getEntry("META-INF/LICENSE")).isNotNull();
        }
        System.out.printf("%s: %,d bytes%n", JAR.getFileName(), Files.size(JAR));
    }
}
