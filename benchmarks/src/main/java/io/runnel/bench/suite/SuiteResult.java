package io.runnel.bench.suite;

import java.util.List;
import java.util.Map;

/**
 * Everything one suite run found, in the shape of the JSON results file
 * ({@code benchmarks/results/<timestamp>-<mode>.json}); {@code formatVersion} changes when a field
 * changes meaning.
 */
public record SuiteResult(
        String suite,
        int formatVersion,
        String mode,
        String startedAt,
        String finishedAt,
        double durationSeconds,
        List<String> arguments,
        Map<String, Object> config,
        Map<String, Object> environment,
        Map<String, Object> kafka,
        Map<String, Object> runnel,
        Map<String, String> methods,
        List<MetricResult> metrics,
        List<RunRecord> runs,
        List<String> notes) {

    public static final String SUITE = "runnel-vs-kafka";
    public static final int FORMAT_VERSION = 1;
}
