package io.runnel.bench.suite.load;

import java.util.Map;
import java.util.TreeSet;

/** Compares an aggregate's result with the sums computed from the written rows. Stateless. */
public final class SumsCheck {
    private SumsCheck() {}

    /** A description of the first difference, or {@code null} if the result is right. */
    public static String firstMismatch(Map<String, Long> expected, Map<String, Long> actual, long rowsRead,
            long rowsExpected) {
        if (rowsRead != rowsExpected) {
            return "aggregated " + rowsRead + " rows, expected " + rowsExpected;
        }
        if (expected.size() != actual.size()) {
            return actual.size() + " groups, expected " + expected.size();
        }
        for (String customer : new TreeSet<>(expected.keySet())) {
            Long got = actual.get(customer);
            if (!expected.get(customer).equals(got)) {
                return "SUM(amount) of " + customer + " is " + (got == null ? "missing" : got) + " cents, expected "
                        + expected.get(customer);
            }
        }
        return null;
    }
}
