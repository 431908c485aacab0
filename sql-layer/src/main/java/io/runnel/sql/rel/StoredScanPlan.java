package io.runnel.sql.rel;

import io.runnel.sql.exec.QueryControl;

/**
 * A query whose whole plan is one topic scan (projection, pushed conditions and seeks) with at most
 * a constant {@code LIMIT}: the data path can serve it as stored batches ({@link StoredBatchScan})
 * instead of rows. Found at prepare ({@link #of}); immutable and thread-safe.
 *
 * @param limit the plan's {@code LIMIT}, or {@code -1} for none
 */
public record StoredScanPlan(TopicScan scan, long limit) {

    /**
     * The stored-batch plan of a physical plan, or {@code null} when it is more than a bare scan.
     *
     * @param stashed the values the compiled plan reads (the scan is among them)
     */
    public static StoredScanPlan of(org.apache.calcite.rel.RelNode plan, java.util.Map<String, Object> stashed) {
        long limit = -1;
        org.apache.calcite.rel.RelNode node = plan;
        if (node instanceof org.apache.calcite.adapter.enumerable.EnumerableLimit l) {
            if (l.offset != null || !(l.fetch instanceof org.apache.calcite.rex.RexLiteral literal)) {
                return null;
            }
            Number n = literal.getValueAs(Number.class);
            if (n == null) {
                return null;
            }
            limit = n.longValue();
            node = l.getInput();
        }
        if (!(node instanceof TopicTableScan)) {
            return null;
        }
        TopicScan found = null;
        for (Object v : stashed.values()) {
            if (v instanceof TopicScan s) {
                if (found != null) {
                    return null;
                }
                found = s;
            }
        }
        return found == null || !found.servesStoredBatches() ? null : new StoredScanPlan(found, limit);
    }

    /** One execution, with at most {@code maxRows} rows (the statement's maxRows; {@code <= 0}: none). */
    public StoredBatchScan open(QueryControl query, long maxRows, java.time.ZoneId sessionZone) {
        long rows;
        if (limit < 0) {
            rows = maxRows > 0 ? maxRows : -1;
        } else {
            rows = maxRows > 0 ? Math.min(maxRows, limit) : limit;
        }
        return scan.storedBatches(query, rows, sessionZone);
    }
}
