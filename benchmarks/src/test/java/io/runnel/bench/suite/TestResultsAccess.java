package io.runnel.bench.suite;

import java.nio.file.Path;
import java.util.Map;

/** {@link TestResults} for tests in sub-packages. */
public final class TestResultsAccess {
    private TestResultsAccess() {}

    public static SuiteResult sample(Path root) {
        return TestResults.result(root, TestResults.sampleRuns(), TestResults.none());
    }

    public static SuiteResult kafkaOnly(Path root, Map<Side, String> unavailable) {
        return TestResults.result(root,
                TestResults.sampleRuns().stream().filter(r -> r.side().equals("KAFKA")).toList(), unavailable);
    }
}
