package io.runnel.bench.suite;

import java.util.Map;

/**
 * One run of one side, measured or warm-up, as it goes into the JSON results.
 *
 * @param phase the {@link Phase} name
 * @param pair 1-based pair number; 0 for warm-up and load runs
 * @param operation what was run within the phase (e.g. "produce", "consume" during warm-up)
 * @param metrics metric id → value, empty when the run failed
 * @param details everything else that was measured or decided (rows, seconds, CPU, disk rule …)
 * @param error why the run failed, or {@code null}
 */
public record RunRecord(
        String phase,
        String side,
        int pair,
        boolean warmup,
        String operation,
        String topic,
        String startedAt,
        double wallSeconds,
        Map<String, Double> metrics,
        Map<String, Object> details,
        String error) {

    public boolean ok() {
        return error == null;
    }
}
