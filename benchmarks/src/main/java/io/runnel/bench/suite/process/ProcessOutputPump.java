package io.runnel.bench.suite.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Drains a child's output (so that it never blocks on a full pipe), copies it to a log file, keeps
 * the last lines for error messages, and shows each line to a listener (readiness detection).
 *
 * <p>One daemon thread per process; {@link #tail()} may be called from any thread.
 */
public final class ProcessOutputPump {
    private static final int TAIL_LINES = 60;

    private final Deque<String> tail = new ArrayDeque<>();
    private final Thread thread;

    private ProcessOutputPump(InputStream output, Path logFile, Consumer<String> listener, String name) {
        this.thread = new Thread(() -> pump(output, logFile, listener), "bench-output-" + name);
        this.thread.setDaemon(true);
    }

    /** Starts pumping {@code process}'s (merged) output. */
    public static ProcessOutputPump start(Process process, Path logFile, Consumer<String> listener, String name) {
        ProcessOutputPump pump = new ProcessOutputPump(process.getInputStream(), logFile, listener, name);
        pump.thread.start();
        return pump;
    }

    private void pump(InputStream output, Path logFile, Consumer<String> listener) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8));
                Writer log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                log.write(line);
                log.write('\n');
                log.flush();
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
                listener.accept(line);
            }
        } catch (IOException e) {
            // the process is gone or the stream was closed: nothing more to read
        }
    }

    /** The last lines the process printed. */
    public List<String> tail() {
        synchronized (tail) {
            return new ArrayList<>(tail);
        }
    }

    /** Waits up to {@code millis} for the process's output to end (after it exited). */
    public void awaitEnd(long millis) throws InterruptedException {
        thread.join(millis);
    }
}
