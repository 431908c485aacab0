package io.runnel.storage.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Murmur2 against Kafka's published test vectors ({@code UtilsTest.testMurmur2} in apache/kafka,
 * confirmed with kafka-clients 4.3.1; the engine module also compares with kafka-clients directly),
 * and the canonical key bytes of every type.
 */
class PartitionerTest {
    private static int murmur(String s) {
        return Partitioner.murmur2(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void murmur2MatchesKafkasVectors() {
        assertThat(murmur("21")).isEqualTo(-973932308);
        assertThat(murmur("foobar")).isEqualTo(-790332482);
        assertThat(murmur("a-little-bit-long-string")).isEqualTo(-985981536);
        assertThat(murmur("a-little-bit-longer-string")).isEqualTo(-1486304829);
        assertThat(murmur("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8")).isEqualTo(-58897971);
        assertThat(murmur("abc")).isEqualTo(479470107);
        assertThat(murmur("")).isEqualTo(275646681);
        assertThat(murmur("é日本")).isEqualTo(93610804);
        byte[] padded = "xxabcyy".getBytes(StandardCharsets.UTF_8);
        assertThat(Partitioner.murmur2(padded, 2, 3)).isEqualTo(479470107);
    }

    @Test
    void oneVarcharKeyLandsWhereKafkasDefaultPartitionerPutsIt() {
        Schema schema = Schema.of(0, Column.varchar("customer", 64, true), Column.of("n", ColumnType.INTEGER, true));
        Partitioner p = new Partitioner(schema, new int[] {0}, 6);
        assertThat(p.partitionOf("customer-0042")).isEqualTo(1);
        assertThat(p.partitionOf("a-little-bit-longer-string")).isEqualTo(5);
        assertThat(p.partitionOf("abc")).isEqualTo(3);
        assertThat(p.partitionOf((Object) null)).isEqualTo(-1);
    }

    @Test
    void canonicalBytesOfEveryType() {
        assertThat(bytes(Column.of("b", ColumnType.BOOLEAN, true), true)).containsExactly(1);
        assertThat(bytes(Column.of("t", ColumnType.TINYINT, true), (byte) -2)).containsExactly(0xfe);
        assertThat(bytes(Column.of("s", ColumnType.SMALLINT, true), (short) 258)).containsExactly(1, 2);
        assertThat(bytes(Column.of("i", ColumnType.INTEGER, true), 0x01020304)).containsExactly(1, 2, 3, 4);
        assertThat(bytes(Column.of("l", ColumnType.BIGINT, true), 0x0102030405060708L)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(bytes(Column.of("f", ColumnType.REAL, true), -0.0f)).isEqualTo(bytes(Column.of("f", ColumnType.REAL, true), 0.0f));
        assertThat(bytes(Column.of("d", ColumnType.DOUBLE, true), 1.0d)).containsExactly(0x3f, 0xf0, 0, 0, 0, 0, 0, 0);
        assertThat(bytes(Column.decimal("m", 12, 2, true), new BigDecimal("-1.5"))).containsExactly(
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x6a);
        assertThat(bytes(Column.decimal("m", 12, 2, true), new BigDecimal("-1.50")))
                .isEqualTo(bytes(Column.decimal("m", 12, 2, true), new BigDecimal("-1.5")));
        assertThat(bytes(Column.decimal("w", 30, 0, true), BigDecimal.ONE)).hasSize(16).endsWith(0, 0, 0, 1);
        assertThat(bytes(Column.of("day", ColumnType.DATE, true), LocalDate.ofEpochDay(3))).containsExactly(0, 0, 0, 3);
        assertThat(bytes(Column.varchar("v", 10, true), "é")).containsExactly(0xc3, 0xa9);
        assertThat(bytes(new Column("x", ColumnType.VARBINARY, 4, 0, true), new byte[] {9, 8})).containsExactly(9, 8);
    }

    /** The canonical bytes of one value of a one-column key, as unsigned ints. */
    private static int[] bytes(Column column, Object value) {
        Schema schema = new Schema(0, List.of(column));
        Partitioner.KeyBytes key = new Partitioner(schema, new int[] {0}, 1).newKeyBytes();
        key.reset();
        key.begin();
        switch (column.type()) {
            case BOOLEAN -> key.putByte(((Boolean) value) ? 1 : 0);
            case REAL -> key.putFloat((Float) value);
            case DOUBLE -> key.putDouble((Double) value);
            case DECIMAL -> key.putDecimal(column, (BigDecimal) value);
            case VARCHAR -> key.putString((String) value);
            case VARBINARY -> key.putBytes((byte[]) value);
            case DATE -> key.putIntegral(ColumnType.DATE, ((LocalDate) value).toEpochDay());
            default -> key.putIntegral(column.type(), ((Number) value).longValue());
        }
        key.end();
        int[] out = new int[key.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = key.array()[i] & 0xff;
        }
        return out;
    }

    @Test
    void severalKeyColumnsAreLengthPrefixed() {
        Schema schema = Schema.of(0, Column.varchar("a", 10, true), Column.of("b", ColumnType.INTEGER, true));
        Partitioner p = new Partitioner(schema, new int[] {0, 1}, 1000);
        byte[] expected = {0, 0, 0, 2, 'h', 'i', 0, 0, 0, 4, 0, 0, 0, 7};
        assertThat(p.partitionOf("hi", 7)).isEqualTo((Partitioner.murmur2(expected) & 0x7fffffff) % 1000);
        // Length prefixes keep ("ab", "c") and ("a", "bc") apart.
        Partitioner s = new Partitioner(Schema.of(0, Column.varchar("a", 10, true), Column.varchar("b", 10, true)),
                new int[] {0, 1}, Integer.MAX_VALUE);
        assertThat(s.partitionOf("ab", "c")).isNotEqualTo(s.partitionOf("a", "bc"));
        assertThat(p.partitionOf("hi", null)).isEqualTo(-1);
    }

    @Test
    void keylessRowsRotatePerBatch() {
        Partitioner p = new Partitioner(Schema.of(0, Column.of("n", ColumnType.INTEGER, true)), new int[0], 3);
        assertThat(p.keylessPartition(0)).isZero();
        assertThat(p.keylessPartition(4)).isEqualTo(1);
        assertThat(p.keylessPartition(-1)).isEqualTo(2);
    }
}
