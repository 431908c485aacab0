package io.runnel.sql.exec;

import io.runnel.engine.Engine;
import io.runnel.engine.PartitionStatus;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.TopicReader;
import io.runnel.engine.group.GroupService;
import io.runnel.engine.group.GroupSession;
import io.runnel.engine.group.NotCoordinatorException;
import io.runnel.engine.group.UnknownMemberException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer-group side of one streaming query run with a {@code group} (design note 0009): its
 * membership, the partitions it may read, and three positions per owned partition, each the offset
 * of the next row:
 *
 * <ul>
 *   <li><b>delivered</b> — after the last row a fetch returned to the client;
 *   <li><b>acked</b> — delivered as of the start of the latest fetch (asking for more acknowledges
 *       what came before): what autocommit commits;
 *   <li><b>committed</b> — the last durable commit (or the start position the group fixed for a
 *       partition it never committed): what a rollback rewinds to and where a new owner starts.
 * </ul>
 *
 * <p>Every change of what the scan must read — partitions granted or revoked, a rollback — bumps the
 * <b>epoch</b>. Rows carry the epoch the scan read them under ({@link Positioned}); a fetch drops rows
 * of an older epoch or of a partition no longer owned, and the scan reopens its reader at the
 * delivered positions of the new epoch. So rows already queued for a revoked partition are never
 * delivered, and a partition is released to its next owner only after this cursor stopped delivering
 * it and (under autocommit) committed its acknowledged position.
 *
 * <p>Thread-safety: positions, ownership and the epoch are guarded by this object's monitor
 * (fetches run on request threads, assignment changes on the coordinator's notifier thread, commits
 * and rollbacks on request threads); {@code epoch} is also volatile so that the scan and a waiting
 * fetch notice a change without the lock. The {@code last*} fields are the query thread's only.
 */
public final class GroupCursor {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCursor.class);

    /** A row on its way to the client, with the position after it and the epoch it was read under. */
    public record Positioned(Object row, int partition, long nextOffset, long epoch) {}

    /** Where the scan reads under an epoch: owned partition → next offset. */
    public record ReadPlan(long epoch, Map<Integer, Long> starts) {}

    private final GroupService coordinator;
    private final Engine engine;
    private final String group;
    private final String memberId;
    private final boolean startEarliest;
    private final BooleanSupplier autoCommit;

    /** @GuardedBy("this") */
    private GroupSession member;
    /** @GuardedBy("this") */
    private TopicInfo topic;
    /** @GuardedBy("this") */
    private boolean closed;
    /** Written under the monitor; read without it by the scan and by waiting fetches. */
    private volatile long epoch;
    /** @GuardedBy("this") */
    private final TreeSet<Integer> owned = new TreeSet<>();
    /** @GuardedBy("this") */
    private final Map<Integer, Long> delivered = new HashMap<>();
    /** @GuardedBy("this") */
    private final Map<Integer, Long> acked = new HashMap<>();
    /** @GuardedBy("this") */
    private final Map<Integer, Long> committed = new HashMap<>();
    /** Partition and next offset of each row of the latest frame, in order. @GuardedBy("this") */
    private final List<long[]> frame = new ArrayList<>();
    /** Row number (in the statement's result) of the latest frame's first row. @GuardedBy("this") */
    private long frameStartRow;
    /**
     * Positions after the rows the client reported its application has read ({@link #clientReturned});
     * null when it did not report since the last fetch. @GuardedBy("this")
     */
    private Map<Integer, Long> returned;
    /** The scan's open reader, woken when the epoch changes; written by the query thread. */
    private volatile TopicReader reader;

    private int lastPartition = -1;
    private long lastNextOffset;
    private long lastEpoch;

    public GroupCursor(GroupService coordinator, Engine engine, String group, String memberId, boolean startEarliest,
            BooleanSupplier autoCommit) {
        this.coordinator = coordinator;
        this.engine = engine;
        this.group = group;
        this.memberId = memberId;
        this.startEarliest = startEarliest;
        this.autoCommit = autoCommit;
    }

    public String group() {
        return group;
    }

    public String memberId() {
        return memberId;
    }

    // ---- the scan (query thread) ----------------------------------------------------------------

    /** Joins the group on {@code topic}; partitions arrive asynchronously (the epoch changes). */
    public void join(TopicInfo topic) {
        GroupSession m = coordinator.join(group, topic, memberId, this::onAssignmentChanged);
        synchronized (this) {
            if (closed) {
                m.leave();
                return;
            }
            this.member = m;
            this.topic = topic;
        }
        onAssignmentChanged();
    }

    public long epoch() {
        return epoch;
    }

    /** What to read now. */
    public synchronized ReadPlan readPlan() {
        Map<Integer, Long> starts = new TreeMap<>();
        for (int p : owned) {
            starts.put(p, delivered.get(p));
        }
        return new ReadPlan(epoch, starts);
    }

    /** Waits until the epoch moves past {@code seen}, the cursor closes, or {@code maxWaitMs} passes. */
    public synchronized void awaitChange(long seen, long maxWaitMs) {
        long deadline = System.nanoTime() + maxWaitMs * 1_000_000L;
        try {
            while (epoch == seen && !closed) {
                long leftMs = (deadline - System.nanoTime()) / 1_000_000L;
                if (leftMs <= 0) {
                    return;
                }
                wait(leftMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The scan's current reader (null when none), to wake on a change. */
    public void setReader(TopicReader reader) {
        this.reader = reader;
    }

    /** The scan emitted the row at {@code offset} of {@code partition}, read under {@code readEpoch}. */
    public void noteEmitted(int partition, long offset, long readEpoch) {
        lastPartition = partition;
        lastNextOffset = offset + 1;
        lastEpoch = readEpoch;
    }

    /** Wraps a result row produced right after the scan's last emitted row (query thread). */
    public Positioned positioned(Object row) {
        return new Positioned(row, lastPartition, lastNextOffset, lastEpoch);
    }

    // ---- fetches (request threads) -------------------------------------------------------------

    /**
     * A fetch begins: what was delivered before is acknowledged, and committed under autocommit.
     *
     * @return the epoch now, so that the fetch can tell a rebalance while it waits
     */
    public synchronized long fetchStarted(long startRow) {
        acked.clear();
        acked.putAll(delivered);
        frame.clear();
        frameStartRow = startRow;
        returned = null;
        if (autoCommit.getAsBoolean()) {
            try {
                commitPositions(acked);
            } catch (UnknownMemberException | NotCoordinatorException e) {
                // A rebalance or a coordinator failover took the partitions (the assignment change follows):
                // the fetch goes on, and the rows since the last commit are read again by their next owner.
                LOG.info("{} of group {}: auto-commit at fetch skipped: {}", memberId, group, e.getMessage());
            }
        }
        return epoch;
    }

    /** The rows of {@code items} that may be delivered (current epoch, owned partition); advances delivered. */
    public synchronized List<Object> accept(List<Positioned> items) {
        List<Object> rows = new ArrayList<>(items.size());
        for (Positioned item : items) {
            if (item.epoch() == epoch && owned.contains(item.partition())) {
                delivered.put(item.partition(), item.nextOffset());
                frame.add(new long[] {item.partition(), item.nextOffset()});
                rows.add(item.row());
            }
        }
        return rows;
    }

    /**
     * The client's application has read {@code rows} rows of the result with {@code next()} (the
     * Runnel driver says so before a commit and a close): commits then cover exactly those rows, not
     * rows still buffered in the client. The lazy driver fetches only when its buffer is empty, so
     * every row before the latest frame was read.
     */
    public synchronized void clientReturned(long rows) {
        long k = Math.max(0, Math.min(rows - frameStartRow, frame.size()));
        Map<Integer, Long> positions = new HashMap<>(acked);
        for (int i = 0; i < k; i++) {
            positions.put((int) frame.get(i)[0], frame.get(i)[1]);
        }
        returned = positions;
    }

    /**
     * {@code Connection.commit()} (and close under autocommit): commits the position after every row
     * the client's application read, as far as the client reported it ({@link #clientReturned}), or
     * else after every row delivered.
     */
    public synchronized void commitDelivered() {
        Map<Integer, Long> positions = returned != null ? returned : delivered;
        commitPositions(positions);
        for (Map.Entry<Integer, Long> e : positions.entrySet()) {
            if (owned.contains(e.getKey())) {
                acked.put(e.getKey(), e.getValue());
            }
        }
    }

    /** {@code Connection.rollback()}: the next rows come from the committed positions again. */
    public void rollback() {
        synchronized (this) {
            frame.clear();
            returned = null;
            for (int p : owned) {
                Long c = committed.get(p);
                if (c != null) {
                    delivered.put(p, c);
                    acked.put(p, c);
                }
            }
            bumpEpoch();
        }
        wakeReader();
    }

    /** @GuardedBy("this") */
    private void commitPositions(Map<Integer, Long> positions) {
        if (topic == null) {
            return;
        }
        Map<Integer, Long> changes = new TreeMap<>();
        for (Map.Entry<Integer, Long> e : positions.entrySet()) {
            if (owned.contains(e.getKey()) && !e.getValue().equals(committed.get(e.getKey()))) {
                changes.put(e.getKey(), e.getValue());
            }
        }
        if (!changes.isEmpty()) {
            coordinator.commit(group, topic, memberId, changes);
            committed.putAll(changes);
        }
    }

    // ---- assignment changes (coordinator's notifier thread) ------------------------------------

    void onAssignmentChanged() {
        GroupSession m;
        List<Integer> release = new ArrayList<>();
        synchronized (this) {
            m = member;
            if (m == null || closed) {
                return;
            }
            GroupSession.Assignment a = m.assignment();
            if (!a.active()) {
                return;
            }
            boolean changed = false;
            // Lost (the coordinator failed over or forgot this member): stop at once, commit nothing; the
            // partition's next owner starts from the last commit.
            for (int p : new ArrayList<>(owned)) {
                if (!a.owned().contains(p)) {
                    owned.remove(p);
                    delivered.remove(p);
                    acked.remove(p);
                    committed.remove(p);
                    changed = true;
                }
            }
            Map<Integer, Long> toCommit = new TreeMap<>();
            for (int p : a.revoking()) {
                if (owned.contains(p)) {
                    Long ack = acked.get(p);
                    if (autoCommit.getAsBoolean() && ack != null && !ack.equals(committed.get(p))) {
                        toCommit.put(p, ack);
                    }
                    changed = true;
                }
                release.add(p);
            }
            if (!toCommit.isEmpty()) {
                try {
                    coordinator.commit(group, topic, memberId, toCommit);
                } catch (RuntimeException e) {
                    // At-least-once: the next owner starts from the older committed position.
                    LOG.warn("{} of group {}: committing revoked partitions {} failed: {}", memberId, group,
                            toCommit.keySet(), e.getMessage());
                }
            }
            for (int p : release) {
                owned.remove(p);
                delivered.remove(p);
                acked.remove(p);
                committed.remove(p);
            }
            List<PartitionStatus> status = null;
            Map<Integer, Long> fixedStarts = new TreeMap<>();
            for (int p : a.owned()) {
                if (a.revoking().contains(p) || owned.contains(p)) {
                    continue;
                }
                Long c = a.committed().get(p);
                long start;
                if (c != null) {
                    start = c;
                } else {
                    if (status == null) {
                        status = engine.partitionStatus(topic.name());
                    }
                    PartitionStatus s = status.get(p);
                    start = startEarliest ? s.logStartOffset() : s.highWatermark();
                    fixedStarts.put(p, start);
                }
                owned.add(p);
                delivered.put(p, start);
                acked.put(p, start);
                committed.put(p, start);
                changed = true;
            }
            if (!fixedStarts.isEmpty()) {
                // The group's start for a partition it never read is fixed once: a later member (or this
                // one after a restart) continues from it rather than from a later "latest".
                try {
                    coordinator.commit(group, topic, memberId, fixedStarts);
                } catch (RuntimeException e) {
                    LOG.warn("{} of group {}: recording start positions {} failed: {}", memberId, group, fixedStarts,
                            e.getMessage());
                }
            }
            if (changed) {
                bumpEpoch();
            }
        }
        if (!release.isEmpty()) {
            m.release(release);
        }
        wakeReader();
    }

    /** @GuardedBy("this") */
    private void bumpEpoch() {
        epoch++;
        notifyAll();
    }

    private void wakeReader() {
        TopicReader r = reader;
        if (r != null) {
            r.wakeup();
        }
    }

    /** Partitions owned now (for tests and messages). */
    public synchronized List<Integer> owned() {
        return List.copyOf(owned);
    }

    /** Leaves the group (the query ended). Idempotent. */
    public void close() {
        GroupSession m;
        synchronized (this) {
            closed = true;
            m = member;
            notifyAll();
        }
        if (m != null) {
            m.leave();
        }
        wakeReader();
    }
}
