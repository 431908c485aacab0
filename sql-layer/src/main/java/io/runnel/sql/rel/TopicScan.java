package io.runnel.sql.rel;

import io.runnel.engine.Engine;
import io.runnel.engine.ReadRequest;
import io.runnel.engine.StartPosition;
import io.runnel.engine.TopicInfo;
import io.runnel.sql.adapter.SystemColumn;
import io.runnel.sql.errors.RunnelErrors;
import io.runnel.sql.exec.QueryControl;
import io.runnel.storage.format.Schema;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;

/**
 * What a {@link TopicTableScan} reads, as the generated code sees it at run time: the topic, the
 * fields of each row it returns, the conditions it checks and the seeks they imply. Planning builds
 * it; {@link #enumerable(DataContext)} opens an engine reader per execution.
 *
 * <p>Immutable and thread-safe; each enumerator it creates is used by one thread (cancel aside).
 */
public final class TopicScan {
    private final Engine engine;
    private final String topicName;
    private final java.util.UUID topicId;
    private final Schema schema;
    private final int[] fields;
    private final List<ScanCondition> conditions;
    private final SeekPlan seeks;
    private final boolean unbounded;
    private final int timestampColumn;

    TopicScan(Engine engine, TopicInfo topic, int[] fields, List<ScanCondition> conditions, boolean unbounded) {
        this.engine = engine;
        this.topicName = topic.name();
        this.topicId = topic.topicId();
        this.schema = topic.currentSchema();
        this.fields = fields.clone();
        this.conditions = List.copyOf(conditions);
        this.seeks = SeekPlan.of(conditions, schema.columnCount());
        this.unbounded = unbounded;
        String tsColumn = topic.config().timestampColumn();
        this.timestampColumn = tsColumn == null ? -1 : indexOfIgnoreCase(schema, tsColumn);
    }

    private static int indexOfIgnoreCase(Schema schema, String name) {
        for (int i = 0; i < schema.columnCount(); i++) {
            if (schema.column(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The topic this scan was planned on; 42P01 if it was dropped (or dropped and re-created) since. */
    private TopicInfo currentTopic() {
        return engine.topic(topicName)
                .filter(t -> t.topicId().equals(topicId))
                .orElseThrow(() -> RunnelErrors.topicGone(topicName));
    }

    /** The partitions of {@code topic} the seeks keep, in order. */
    private List<Integer> partitionsRead(TopicInfo topic) {
        List<Integer> partitions = new ArrayList<>();
        for (int p = 0; p < topic.partitions(); p++) {
            if (seeks.includes(p)) {
                partitions.add(p);
            }
        }
        return partitions;
    }

    /** Called by the generated code: the rows of this scan for one execution. */
    public Enumerable<Object[]> enumerable(DataContext root) {
        Object control = root.get(QueryControl.DATA_CONTEXT_KEY);
        QueryControl query = control instanceof QueryControl q ? q : QueryControl.detached();
        TopicInfo topic = currentTopic();
        List<Integer> partitions = partitionsRead(topic);
        if (partitions.isEmpty()) {
            return Linq4j.emptyEnumerable();
        }
        ReadRequest request = new ReadRequest(topicName, starts(partitions, topic.partitions()), defaultStart(),
                !unbounded, readProjection(), ReadRequest.DEFAULT_MAX_BYTES_PER_POLL);
        io.runnel.sql.exec.GroupCursor group = unbounded ? query.groupCursor() : null;
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object[]> enumerator() {
                return new TopicScanEnumerator(engine, request, schema, fields, conditions, seeks, partitions,
                        timestampColumn, unbounded, query, topic, group);
            }
        };
    }

    private StartPosition defaultStart() {
        if (seeks.fromOffset() >= 0) {
            return StartPosition.offset(seeks.fromOffset());
        }
        if (seeks.fromTimestampMs() != Long.MIN_VALUE) {
            return StartPosition.timestamp(seeks.fromTimestampMs());
        }
        return unbounded ? StartPosition.latest() : StartPosition.earliest();
    }

    private Map<Integer, StartPosition> starts(List<Integer> partitions, int partitionCount) {
        if (partitions.size() == partitionCount) {
            return Map.of();
        }
        Map<Integer, StartPosition> starts = new LinkedHashMap<>();
        StartPosition start = defaultStart();
        for (int p : partitions) {
            starts.put(p, start);
        }
        return starts;
    }

    /** The user columns the reader must decode: returned fields, condition fields, and the event-time column. */
    int[] readProjection() {
        int userColumns = schema.columnCount();
        BitSet needed = new BitSet(userColumns);
        boolean needsTimestamp = false;
        for (int f : fields) {
            if (f < userColumns) {
                needed.set(f);
            } else if (f - userColumns == SystemColumn.TIMESTAMP.ordinal()) {
                needsTimestamp = true;
            }
        }
        for (ScanCondition c : conditions) {
            if (c.field() < userColumns) {
                needed.set(c.field());
            } else if (c.field() - userColumns == SystemColumn.TIMESTAMP.ordinal()) {
                needsTimestamp = true;
            }
        }
        if (needsTimestamp && timestampColumn >= 0) {
            needed.set(timestampColumn);
        }
        return needed.stream().toArray();
    }

    /**
     * Whether the data path can serve this scan as stored batches: any scan but one that returns
     * {@code _timestamp} of an event-time topic (whose per-row rule the driver does not apply).
     */
    public boolean servesStoredBatches() {
        int userColumns = schema.columnCount();
        for (int f : fields) {
            if (f >= userColumns && f - userColumns == SystemColumn.TIMESTAMP.ordinal() && timestampColumn >= 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * This scan for one execution as stored batches (the data path's read side), with at most
     * {@code maxRows} rows ({@code < 0}: no limit). The query opens its reader when it starts ({@link StoredBatchScan#open}).
     */
    public StoredBatchScan storedBatches(QueryControl query, long maxRows, java.time.ZoneId sessionZone) {
        TopicInfo topic = currentTopic();
        List<Integer> partitions = partitionsRead(topic);
        int userColumns = schema.columnCount();
        int[] sources = new int[fields.length];
        for (int i = 0; i < fields.length; i++) {
            int f = fields[i];
            sources[i] = f < userColumns ? f : switch (SystemColumn.values()[f - userColumns]) {
                case PARTITION -> io.runnel.storage.format.wire.FetchResponse.SOURCE_PARTITION;
                case OFFSET -> io.runnel.storage.format.wire.FetchResponse.SOURCE_OFFSET;
                case TIMESTAMP -> io.runnel.storage.format.wire.FetchResponse.SOURCE_TIMESTAMP;
            };
        }
        // The server reads only the columns of the pushed conditions (and an event-time topic's
        // timestamp column); the result columns travel compressed, decoded only in the driver.
        java.util.BitSet decoded = new java.util.BitSet();
        for (ScanCondition c : conditions) {
            if (c.field() < userColumns) {
                decoded.set(c.field());
            }
        }
        if (timestampColumn >= 0) {
            decoded.set(timestampColumn);
        }
        int[] read = readProjection();
        java.util.BitSet readSet = new java.util.BitSet();
        for (int col : read) {
            readSet.set(col);
        }
        decoded.and(readSet);
        ReadRequest request = new ReadRequest(topicName, starts(partitions, topic.partitions()), defaultStart(),
                !unbounded, read, ReadRequest.DEFAULT_MAX_BYTES_PER_POLL, decoded.stream().toArray());
        return new StoredBatchScan(engine, request, schema, conditions, seeks, partitions.size(), timestampColumn,
                unbounded, query, sources, maxRows, sessionZone.getId());
    }

    public String topicName() {
        return topicName;
    }

    public SeekPlan seeks() {
        return seeks;
    }

    public boolean unbounded() {
        return unbounded;
    }
}
