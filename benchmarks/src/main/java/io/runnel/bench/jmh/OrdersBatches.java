package io.runnel.bench.jmh;

import io.runnel.bench.data.Order;
import io.runnel.bench.data.OrderBinaryCodec;
import io.runnel.bench.data.OrdersGenerator;
import io.runnel.storage.format.BatchBuilder;
import io.runnel.storage.format.BatchMetadata;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.ColumnType;
import io.runnel.storage.format.DecodedBatch;
import io.runnel.storage.format.Schema;
import java.nio.ByteBuffer;
import java.util.List;
import org.openjdk.jmh.infra.Blackhole;

/** The orders topic of DESIGN §3 as Runnel batches: schema, row writer, and the consumers' reads. */
public final class OrdersBatches {
    private OrdersBatches() {}

    public static final Schema SCHEMA = new Schema(1, List.of(
            Column.of("id", ColumnType.BIGINT, false),
            Column.varchar("customer", 64, true),
            Column.varchar("product", 64, true),
            Column.decimal("amount", 12, 2, true),
            Column.of("qty", ColumnType.INTEGER, true),
            Column.of("placed_at", ColumnType.TIMESTAMP, true)));

    public static final int ID = 0;
    public static final int CUSTOMER = 1;
    public static final int PRODUCT = 2;
    public static final int AMOUNT = 3;
    public static final int QTY = 4;
    public static final int PLACED_AT = 5;


    /** The seeded rows every benchmark uses. */
    public static Order[] rows(int count) {
        return new OrdersGenerator(42).next(count);
    }

    /** Builds one batch of {@code rows[from, from+count)}. */
    public static ByteBuffer build(BatchBuilder builder, Order[] rows, int from, int count) {
        builder.reset();
        for (int i = from; i < from + count; i++) {
            Order o = rows[i];
            builder.setLong(ID, o.id());
            builder.setString(CUSTOMER, o.customer());
            builder.setString(PRODUCT, o.product());
            builder.setDecimal(AMOUNT, o.amountCents());
            builder.setInt(QTY, o.qty());
            builder.setLong(PLACED_AT, o.placedAtMs());
            builder.endRow();
        }
        return builder.build(BatchMetadata.NONE);
    }

    /** Reads every column of every row through the typed getters, as a ResultSet would. */
    public static void consumeAll(DecodedBatch batch, Blackhole bh) {
        for (int r = 0, n = batch.rowCount(); r < n; r++) {
            bh.consume(batch.getLong(ID, r));
            bh.consume(batch.getString(CUSTOMER, r));
            bh.consume(batch.getString(PRODUCT, r));
            bh.consume(batch.getLong(AMOUNT, r));
            bh.consume(batch.getInt(QTY, r));
            bh.consume(batch.getLong(PLACED_AT, r));
        }
    }

    /** Reads the given columns of every row through their typed getters. */
    public static void consume(DecodedBatch batch, int[] columns, Blackhole bh) {
        for (int r = 0, n = batch.rowCount(); r < n; r++) {
            for (int col : columns) {
                switch (col) {
                    case CUSTOMER, PRODUCT -> bh.consume(batch.getString(col, r));
                    case QTY -> bh.consume(batch.getInt(col, r));
                    default -> bh.consume(batch.getLong(col, r));
                }
            }
        }
    }

    /** Size of the rows as the Kafka side encodes them ({@link OrderBinaryCodec}): the "logical" MB of MB/s. */
    public static long logicalBytes(Order[] rows) {
        long bytes = 0;
        for (Order o : rows) {
            bytes += OrderBinaryCodec.encode(o).length;
        }
        return bytes;
    }
}
