package io.runnel.bench.suite;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The machine, the suite's own JVM and the commit, as recorded with every result. Stateless. */
public final class Environment {
    private Environment() {}

    public static Map<String, Object> capture(Path repoRoot) {
        Map<String, Object> env = new LinkedHashMap<>();
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("memoryBytes", memTotalBytes());
        machine.put("cpu", cpuModel());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        machine.put("loadAverageAtStart", loadAverage());
        env.put("machine", machine);

        Map<String, Object> client = new LinkedHashMap<>();
        client.put("role", "runs both sides' clients (KafkaProducer/KafkaConsumer and the Runnel JDBC driver), one at a time");
        client.put("javaVersion", System.getProperty("java.runtime.version"));
        client.put("javaVendor", System.getProperty("java.vendor"));
        client.put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        client.put("javaHome", System.getProperty("java.home"));
        client.put("flags", ManagementFactory.getRuntimeMXBean().getInputArguments());
        client.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        env.put("clientJvm", client);

        Map<String, Object> git = new LinkedHashMap<>();
        git.put("commit", run(repoRoot, "git", "rev-parse", "HEAD"));
        git.put("branch", run(repoRoot, "git", "rev-parse", "--abbrev-ref", "HEAD"));
        String status = run(repoRoot, "git", "status", "--porcelain", "--untracked-files=no");
        git.put("dirty", status != null && !status.isBlank());
        env.put("git", git);
        return env;
    }

    /** The 1, 5 and 15 minute load averages: other work on a shared machine shows here. */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static Long memTotalBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return null;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "unknown";
    }

    private static String run(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
