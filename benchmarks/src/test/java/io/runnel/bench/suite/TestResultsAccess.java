package io.runnel.bench.suite;

import java.nio.file.Path;
import java.util.Map;

/** {@link TestResults} for tests in sub-packages. */
public final class TestResultsAccess {
    private TestResultsAccess() {}

    public static SuiteResult sample(Path root) {
        return TestResults.result(root, TestResults.sampleRuns(), TestResults.none());
    }

    /** Only the runs of phases whose metrics have no target (the chart must still render). */
    public static SuiteResult withoutTargets(Path root) {
        return TestResults.result(root, TestResults.sampleRuns().stream()
                .filter(r -> Phase.valueOf(r.phase()).metrics().stream().allMatch(m -> m.target() == null)).toList(),
                TestResults.none());
    }

    public static SuiteResult kafkaOnly(Path root, Map<Side, String> unavailable) {
        return TestResults.result(root,
                TestResults.sampleRuns().stream().filter(r -> r.side().equals("KAFKA")).toList(), unavailable);
    }
}
