package io.runnel.bench.suite.runnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.bench.suite.process.ChildProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link RunnelServer}'s process handling, against stand-in ./runnel launchers. */
class RunnelServerLauncherTest {

    private static void launcher(Path repo, String body) throws Exception {
        Path script = Files.writeString(repo.resolve("runnel"), "#!/usr/bin/env bash\n" + body + "\n");
        assertThat(script.toFile().setExecutable(true)).isTrue();
    }

    @Test
    @Timeout(60)
    void waitsForTheReadyLineAndStopsTheServerTree(@TempDir Path repo) throws Exception {
        // Like a launcher that builds first, then runs the server as its child, with RUNNEL_OPTS.
        launcher(repo, String.join("\n",
                "echo \"building...\"",
                "[[ \"$1 $2 $3\" == \"server --data-dir $PWD/data\" ]] || { echo \"bad args: $*\"; exit 9; }",
                "echo \"opts=$RUNNEL_OPTS\"",
                "bash -c 'sleep 0.3; echo \"Runnel 0.1.0-test ready: jdbc:runnel://127.0.0.1:45678\"; exec sleep 300' &",
                "wait"));
        ChildProcesses children = new ChildProcesses(null);
        List<String> echoed = new CopyOnWriteArrayList<>();
        try (RunnelServer server = RunnelServer.start(repo, repo.resolve("data"), "-Xmx512m", children,
                Duration.ofSeconds(30), echoed::add)) {
            assertThat(server.jdbcUrl()).isEqualTo("jdbc:runnel://127.0.0.1:45678");
            assertThat(server.version()).isEqualTo("0.1.0-test");
            assertThat(echoed).contains("building...", "opts=-Xmx512m");
            List<ProcessHandle> tree = server.process().descendants().toList();
            assertThat(tree).isNotEmpty();
            server.close();
            assertThat(server.process().isAlive()).isFalse();
            assertThat(tree).noneMatch(ProcessHandle::isAlive);
        } finally {
            children.stopAll();
        }
    }

    @Test
    @Timeout(60)
    void aServerThatDiesShowsItsOutput(@TempDir Path repo) throws Exception {
        launcher(repo, "echo 'Exception in thread main: port in use'; exit 3");
        ChildProcesses children = new ChildProcesses(null);
        try {
            assertThatThrownBy(() -> RunnelServer.start(repo, repo.resolve("data"), null, children,
                    Duration.ofSeconds(30), line -> {}))
                    .hasMessageContaining("exited with code 3")
                    .hasMessageContaining("port in use");
        } finally {
            children.stopAll();
        }
    }

    @Test
    @Timeout(60)
    void aServerThatNeverGetsReadyIsStoppedAtTheDeadline(@TempDir Path repo) throws Exception {
        launcher(repo, "echo 'starting'; exec sleep 300");
        ChildProcesses children = new ChildProcesses(null);
        try {
            assertThatThrownBy(() -> RunnelServer.start(repo, repo.resolve("data"), null, children,
                    Duration.ofSeconds(1), line -> {}))
                    .hasMessageContaining("no ready line within 1 s")
                    .hasMessageContaining("starting");
        } finally {
            children.stopAll();
        }
        try (var procs = ProcessHandle.allProcesses()) {
            assertThat(procs.filter(p -> p.info().commandLine().orElse("").contains(repo.toString()))).isEmpty();
        }
    }
}
