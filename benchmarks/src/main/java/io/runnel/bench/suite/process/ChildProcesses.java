package io.runnel.bench.suite.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The server processes this JVM started, so that they stop whatever happens: normal end,
 * exception, or Ctrl-C (a JVM shutdown hook). Only processes registered here are ever signalled,
 * by their own handle, together with their descendants (a launcher script's JVM).
 *
 * <p>Optionally mirrors the registered pids into a file, so that a wrapper script can clean up
 * after a JVM that was killed too hard to run its hook.
 *
 * <p>Thread-safe: methods are synchronized; the hook may run concurrently with a stop.
 */
public final class ChildProcesses {
    /** Time a server gets to stop after SIGTERM before it is killed. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

    private final Map<Long, Entry> running = new LinkedHashMap<>();
    private final List<Runnable> afterHook = new ArrayList<>();
    private final Path pidFile;
    private final Thread hook;

    private record Entry(String name, ProcessHandle handle) {}

    /** @param pidFile where to mirror registered pids, or {@code null} */
    public ChildProcesses(Path pidFile) {
        this.pidFile = pidFile;
        this.hook = new Thread(this::stopAllFromHook, "bench-child-processes-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Runs {@code cleanup} in the shutdown hook after every process has stopped (e.g. deleting the
     * servers' data directory on Ctrl-C). Not run by {@link #stopAll()}: the caller cleans up itself.
     */
    public synchronized void afterShutdownHook(Runnable cleanup) {
        afterHook.add(cleanup);
    }

    /** Starts to track {@code process}; from now on it is stopped at the latest on JVM exit. */
    public synchronized void register(String name, Process process) {
        running.put(process.pid(), new Entry(name, process.toHandle()));
        writePidFile();
    }

    /**
     * Stops {@code process} and its descendants: SIGTERM to all of them, up to {@code grace} for
     * them to exit, then SIGKILL to whatever is left. Returns true if everything is gone.
     */
    public boolean stop(Process process, Duration grace) {
        boolean gone = stopTree(process.toHandle(), grace);
        synchronized (this) {
            running.remove(process.pid());
            writePidFile();
        }
        return gone;
    }

    /** Stops every registered process (in reverse start order) and removes the shutdown hook. */
    public void stopAll() {
        stopEverything();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is already running or ran: nothing to remove
        }
    }

    private void stopAllFromHook() {
        if (!snapshot().isEmpty()) {
            System.err.println("bench: stopping the servers this run started (" + describeRunning() + ")");
        }
        stopEverything();
        List<Runnable> cleanups;
        synchronized (this) {
            cleanups = new ArrayList<>(afterHook);
        }
        for (Runnable cleanup : cleanups) {
            try {
                cleanup.run();
            } catch (RuntimeException e) {
                System.err.println("bench: cleanup after stopping the servers failed: " + e);
            }
        }
    }

    private void stopEverything() {
        List<Entry> entries = snapshot();
        for (int i = entries.size() - 1; i >= 0; i--) {
            stopTree(entries.get(i).handle(), DEFAULT_GRACE);
        }
        synchronized (this) {
            running.clear();
            writePidFile();
        }
    }

    private synchronized List<Entry> snapshot() {
        return new ArrayList<>(running.values());
    }

    private synchronized String describeRunning() {
        return running.values().stream()
                .map(e -> e.name() + " pid " + e.handle().pid())
                .collect(Collectors.joining(", "));
    }

    /** SIGTERM to the root and its descendants, wait, then SIGKILL the survivors. */
    static boolean stopTree(ProcessHandle root, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(root);
        tree.addAll(root.descendants().collect(Collectors.toList()));
        for (ProcessHandle p : tree) {
            p.destroy();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle p : tree) {
            long remaining = deadline - System.nanoTime();
            try {
                if (remaining > 0) {
                    p.onExit().get(remaining, TimeUnit.NANOSECONDS);
                }
            } catch (Exception stillAlive) {
                // fall through to the forcible kill below
            }
        }
        boolean allGone = true;
        for (ProcessHandle p : tree) {
            if (p.isAlive()) {
                p.destroyForcibly();
                try {
                    p.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    allGone = false;
                }
            }
        }
        return allGone && tree.stream().noneMatch(ProcessHandle::isAlive);
    }

    private void writePidFile() {
        if (pidFile == null) {
            return;
        }
        try {
            Files.createDirectories(pidFile.toAbsolutePath().getParent());
            String lines = running.values().stream()
                    .map(e -> e.handle().pid() + " " + e.name())
                    .collect(Collectors.joining("\n"));
            Files.writeString(pidFile, lines.isEmpty() ? "" : lines + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the child pid file " + pidFile, e);
        }
    }
}
