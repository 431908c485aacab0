package io.runnel.bench.suite.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Facts about a server's process tree read from Linux's /proc: CPU time used (to show where the
 * cycles of a run went), and the command line of the JVM in it (a launcher script may sit on
 * top). Stateless; every method tolerates processes that exit meanwhile.
 */
public final class ProcessTree {
    private static final double TICKS_PER_SECOND = clockTicks();

    private ProcessTree() {}

    /** User + system CPU seconds of {@code root} and its live descendants, or NaN off Linux. */
    public static double cpuSeconds(ProcessHandle root) {
        long ticks = 0;
        boolean any = false;
        for (ProcessHandle p : Stream.concat(Stream.of(root), root.descendants()).collect(Collectors.toList())) {
            long t = cpuTicks(p.pid());
            if (t >= 0) {
                ticks += t;
                any = true;
            }
        }
        return any ? ticks / TICKS_PER_SECOND : Double.NaN;
    }

    /**
     * CPU seconds the whole machine has spent busy since boot (all cores: user, nice, system, irq,
     * softirq, steal from /proc/stat), or NaN off Linux. The difference over a run, minus the
     * suite's own processes, is the work of others on a shared machine.
     */
    public static double machineBusySeconds() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII).get(0);
            String[] f = first.trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal …
            long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                    + Long.parseLong(f[7]) + Long.parseLong(f[8]);
            return busy / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            // Field 2 (comm) may contain spaces and parentheses: parse after the last ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The full command line of the first JVM ({@code …/java}) in the tree, root first. */
    public static Optional<List<String>> javaCommandLine(ProcessHandle root) {
        for (ProcessHandle p : Stream.concat(Stream.of(root), root.descendants()).collect(Collectors.toList())) {
            List<String> command = commandLine(p.pid());
            if (!command.isEmpty() && (command.get(0).endsWith("/java") || command.get(0).equals("java"))) {
                return Optional.of(command);
            }
        }
        return Optional.empty();
    }

    private static List<String> commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            List<String> args = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    args.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            return args;
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * The JVM options of a java command line: everything before the main class or {@code -jar},
     * without the class path's value (long, and recorded elsewhere).
     */
    public static List<String> jvmOptions(List<String> javaCommand) {
        List<String> options = new ArrayList<>();
        for (int i = 1; i < javaCommand.size(); i++) {
            String arg = javaCommand.get(i);
            if (arg.equals("-cp") || arg.equals("-classpath") || arg.equals("--class-path")) {
                i++;
                continue;
            }
            if (!arg.startsWith("-") || arg.equals("-jar")) {
                break;
            }
            options.add(arg);
        }
        return options;
    }

    /** {@code java -version}'s first line for the JVM binary at {@code javaPath}. */
    public static String javaVersion(String javaPath) {
        try {
            Process p = new ProcessBuilder(javaPath, "-version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out.lines().map(String::trim).filter(l -> !l.isEmpty()).collect(Collectors.joining(" | "));
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown (interrupted)";
        }
    }

    private static double clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return Double.parseDouble(out);
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
