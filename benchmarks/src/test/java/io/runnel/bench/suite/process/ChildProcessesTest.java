package io.runnel.bench.suite.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessesTest {

    @Test
    void stopsAProcessAndItsChildren(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("pids");
        ChildProcesses children = new ChildProcesses(pidFile);
        // A launcher script whose child would survive a SIGTERM to the launcher alone.
        Process launcher = new ProcessBuilder("bash", "-c", "sleep 300 & wait").start();
        children.register("launcher", launcher);
        Thread.sleep(300);
        List<ProcessHandle> tree = launcher.toHandle().descendants().toList();
        assertThat(tree).isNotEmpty();
        assertThat(Files.readString(pidFile)).contains(launcher.pid() + " launcher");

        assertThat(children.stop(launcher, Duration.ofSeconds(5))).isTrue();
        assertThat(launcher.isAlive()).isFalse();
        assertThat(tree).noneMatch(ProcessHandle::isAlive);
        assertThat(Files.readString(pidFile)).isEmpty();
        children.stopAll();
    }

    @Test
    void stopAllStopsEverythingRegistered() throws Exception {
        ChildProcesses children = new ChildProcesses(null);
        Process a = new ProcessBuilder("sleep", "300").start();
        Process b = new ProcessBuilder("sleep", "300").start();
        children.register("a", a);
        children.register("b", b);
        children.stopAll();
        assertThat(a.isAlive()).isFalse();
        assertThat(b.isAlive()).isFalse();
    }

    @Test
    void jvmOptionsLeaveOutTheClassPath() {
        assertThat(ProcessTree.jvmOptions(List.of("/usr/bin/java", "-Xmx1G", "-cp", "a.jar:b.jar", "-Dx=y", "kafka.Kafka",
                "server.properties"))).containsExactly("-Xmx1G", "-Dx=y");
        assertThat(ProcessTree.jvmOptions(List.of("java", "-Xms1g", "-jar", "server.jar", "-Xnot"))).containsExactly("-Xms1g");
    }

    @Test
    void cpuSecondsOfThisJvmAndTheMachine() {
        double own = ProcessTree.cpuSeconds(ProcessHandle.current());
        assertThat(own).isGreaterThan(0.0);
        assertThat(ProcessTree.machineBusySeconds()).isGreaterThanOrEqualTo(own);
    }
}
