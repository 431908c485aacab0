package io.runnel.sql.adapter;

import io.runnel.engine.Engine;
import io.runnel.engine.TopicInfo;
import org.apache.calcite.schema.StreamableTable;
import org.apache.calcite.schema.Table;

/**
 * A topic as the streaming view of the catalog shows it, for {@code EMIT CHANGES} /
 * {@code SELECT STREAM} queries: a {@link StreamableTable} whose {@link #stream()} is the unbounded
 * scan. Calcite's modality check lets a streaming query read only {@code StreamableTable}s, and a
 * bounded query only other tables (design note 0005: the catalog has one view per modality).
 */
public final class StreamableTopicTable extends TopicTable implements StreamableTable {
    public StreamableTopicTable(Engine engine, TopicInfo topic) {
        super(engine, topic, false);
    }

    @Override
    public Table stream() {
        return new TopicTable(engine(), topic(), true);
    }
}
