package io.runnel.replication.simulation;

import io.runnel.engine.TopicInfo;
import io.runnel.engine.catalog.Versioned;
import io.runnel.engine.cluster.PartitionState;
import io.runnel.engine.cluster.TopicPartition;
import io.runnel.engine.partition.Partition;
import io.runnel.storage.format.BatchDecoder;
import io.runnel.storage.format.DecodedBatch;
import io.runnel.storage.format.RecordBatch;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The named invariants of replication, checked against a {@link SimWorld} after every step:
 *
 * <ul>
 *   <li>{@code SingleLeaderPerEpoch} — no two brokers are given, or append as leaders in, the same epoch
 *       of a partition (witnessed by the simulated ZooKeeper and at every leader append);
 *   <li>{@code IsrContainsLeader} — a stored state's leader is in its ISR; a leading replica's ISR holds it;
 *   <li>{@code MonotonicHighWatermark} — a replica's high watermark never goes back while its broker runs;
 *   <li>{@code NoAcknowledgedRowLost} — every live member of a partition's stored ISR holds every
 *       acknowledged batch of it (its log covers the offsets; periodically also the rows themselves);
 *   <li>{@code LogsAgreeBelowHighWatermark} — every batch below a replica's high watermark is the same
 *       batch (offset, epoch, row count, CRC) on every replica, and stays so: committed prefixes agree.
 * </ul>
 */
final class Invariants implements AutoCloseable {
    private record BatchId(int leaderEpoch, int recordCount, long crc) {}

    private final SimWorld world;
    private final Map<String, Long> highWatermarks = new HashMap<>();
    /** Per partition: base offset to the committed batch seen there. */
    private final Map<String, Map<Long, BatchId>> committed = new HashMap<>();
    /** Per replica (broker/incarnation/partition): offsets below this were compared with {@link #committed}. */
    private final Map<String, Long> checkedUpTo = new HashMap<>();
    private final BatchDecoder decoder = new BatchDecoder();
    /** Per partition: the smallest base offset and the largest last offset acknowledged. */
    private final Map<String, long[]> ackedBounds = new HashMap<>();
    private int ackedIndexed;

    Invariants(SimWorld world) {
        this.world = world;
    }

    private void fail(String message) {
        world.violations().add(message + " (t=" + world.clock().millis() + ")");
    }

    /** The cheap checks, after every step. */
    void checkStep() {
        indexAcked();
        for (TopicInfo t : world.topics()) {
            for (int p = 0; p < t.partitions(); p++) {
                TopicPartition tp = new TopicPartition(t.name(), p);
                Versioned<PartitionState> state = world.state(tp);
                PartitionState s = state.value();
                if (s.hasLeader() && !s.isr().contains(s.leader())) {
                    fail("IsrContainsLeader: stored state of " + tp + " is " + s);
                }
                for (SimBroker b : world.brokers().values()) {
                    if (!b.up) {
                        continue;
                    }
                    Partition r = b.engine.replica(t.name(), p);
                    String replicaKey = b.id + "/" + b.incarnation + "/" + tp;
                    checkRemovedReplica(b, t, p, r);
                    if (r == null) {
                        highWatermarks.remove(replicaKey); // a replica moved away: one moved back later is a new replica
                        checkedUpTo.remove(replicaKey);
                        continue;
                    }
                    long hw = r.highWatermark();
                    Long before = highWatermarks.put(replicaKey, hw);
                    if (before != null && hw < before && !t.config().uncleanLeaderElection()) {
                        fail("MonotonicHighWatermark: broker " + b.id + " moved the HW of " + tp + " back from " + before + " to " + hw);
                    }
                    if (r.isLeader() && !r.isr().contains(b.id)) {
                        fail("IsrContainsLeader: broker " + b.id + " leads " + tp + " with ISR " + r.isr());
                    }
                    checkCommitted(b, r, tp, replicaKey, false);
                }
                long[] bounds = ackedBounds.get(tp.key());
                if (bounds == null) {
                    continue;
                }
                for (int member : s.isr()) {
                    SimBroker b = world.brokers().get(member);
                    if (!b.up) {
                        continue;
                    }
                    Partition r = b.engine.replica(t.name(), p);
                    if (r == null || r.logEndOffset() <= bounds[1] || r.logStartOffset() > bounds[0]) {
                        fail("NoAcknowledgedRowLost: " + tp + " offsets " + bounds[0] + ".." + bounds[1]
                                + " hold acknowledged rows, but broker " + member + ", in the ISR " + s.isr() + ", has "
                                + (r == null ? "no replica" : "log [" + r.logStartOffset() + ", " + r.logEndOffset() + ")"));
                    }
                }
            }
        }
    }

    /**
     * RemovedReplicaHoldsNoLog: a broker whose applied image no longer assigns it a partition has no
     * replica of it open and no directory of it left in its data directory (a completed or cancelled move
     * took it away).
     */
    private void checkRemovedReplica(SimBroker b, TopicInfo t, int p, Partition r) {
        var ti = b.image().topic(t.name());
        if (ti == null || ti.partition(p).replicas().isEmpty() || ti.partition(p).replicas().contains(b.id)) {
            return;
        }
        if (r != null) {
            fail("RemovedReplicaHoldsNoLog: broker " + b.id + " still has a replica of " + t.name() + "-" + p
                    + " though its image assigns it to " + ti.partition(p).replicas());
        }
        java.nio.file.Path dir = b.dir.resolve("topics").resolve(t.name()).resolve(Integer.toString(p));
        if (java.nio.file.Files.exists(dir)) {
            fail("RemovedReplicaHoldsNoLog: broker " + b.id + " still has " + dir + " though its image assigns " + t.name() + "-" + p
                    + " to " + ti.partition(p).replicas());
        }
    }

    /** Folds batches acknowledged since the last step into the per-partition bounds. */
    private void indexAcked() {
        for (; ackedIndexed < world.acked.size(); ackedIndexed++) {
            SimWorld.Acked a = world.acked.get(ackedIndexed);
            long[] b = ackedBounds.computeIfAbsent(a.tp().key(), k -> new long[] {Long.MAX_VALUE, -1});
            b[0] = Math.min(b[0], a.baseOffset());
            b[1] = Math.max(b[1], a.lastOffset());
        }
    }

    /** Everything, including every replica's committed prefix from its start and the acknowledged rows' ids. */
    void checkFull() {
        checkedUpTo.clear();
        for (TopicInfo t : world.topics()) {
            for (int p = 0; p < t.partitions(); p++) {
                TopicPartition tp = new TopicPartition(t.name(), p);
                PartitionState s = world.state(tp).value();
                for (SimBroker b : world.brokers().values()) {
                    if (!b.up) {
                        continue;
                    }
                    Partition r = b.engine.replica(t.name(), p);
                    if (r != null) {
                        checkCommitted(b, r, tp, b.id + "/" + b.incarnation + "/" + tp, true);
                    }
                }
                for (SimWorld.Acked a : world.acked) {
                    if (!a.tp().equals(tp)) {
                        continue;
                    }
                    for (int member : s.isr()) {
                        SimBroker b = world.brokers().get(member);
                        if (!b.up) {
                            continue;
                        }
                        Partition r = b.engine.replica(t.name(), p);
                        if (r != null && r.logEndOffset() > a.lastOffset()) {
                            List<Long> ids = ids(t, r, a.baseOffset(), a.lastOffset() + 1);
                            for (int i = 0; i < a.count(); i++) {
                                if (ids.size() <= i || ids.get(i) != a.firstId() + i) {
                                    fail("NoAcknowledgedRowLost: " + tp + " offset " + (a.baseOffset() + i) + " holds "
                                            + (ids.size() <= i ? "nothing" : "id " + ids.get(i)) + " on broker " + member
                                            + ", but id " + (a.firstId() + i) + " was acknowledged there");
                                    break;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** LogsAgreeBelowHighWatermark for one replica: batches newly below its HW (or all, when full) against the committed record. */
    private void checkCommitted(SimBroker b, Partition r, TopicPartition tp, String replicaKey, boolean full) {
        long hw = r.highWatermark();
        long from = full ? r.logStartOffset() : Math.max(r.logStartOffset(), checkedUpTo.getOrDefault(replicaKey, 0L));
        if (from > r.logEndOffset()) {
            from = r.logStartOffset();
        }
        if (from >= hw) {
            return;
        }
        Map<Long, BatchId> record = committed.computeIfAbsent(tp.key(), k -> new HashMap<>());
        long next = from;
        for (RecordBatch batch : SimWorld.batches(r, from, hw)) {
            BatchId id = new BatchId(batch.leaderEpoch(), batch.recordCount(), batch.checksum());
            BatchId seen = record.putIfAbsent(batch.baseOffset(), id);
            if (seen != null && !seen.equals(id)) {
                fail("LogsAgreeBelowHighWatermark: " + tp + " on broker " + b.id + " has " + id + " at offset "
                        + batch.baseOffset() + " below its HW " + hw + ", but " + seen + " was committed there");
            }
            next = batch.nextOffset();
        }
        checkedUpTo.put(replicaKey, next);
    }

    /** The ids (column k) of the rows at [from, to) of a replica. */
    List<Long> ids(TopicInfo topic, Partition r, long from, long to) {
        List<Long> out = new java.util.ArrayList<>();
        for (RecordBatch batch : SimWorld.batches(r, from, to)) {
            DecodedBatch d = decoder.decode(batch, topic.currentSchema(), new int[] {0});
            for (int row = 0; row < d.rowCount(); row++) {
                long offset = d.offset(row);
                if (offset >= from && offset < to) {
                    out.add(d.getLong(0, row));
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        decoder.close();
    }
}
