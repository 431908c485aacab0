package io.runnel.storage.format;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns of a topic at one schema version. Every batch names the schema id it was written
 * with; a topic's schema only grows by appending columns ({@link #withColumn}), so a column keeps
 * its index across versions and a batch written with an older id reads NULL for newer columns.
 *
 * <p>Immutable and thread-safe.
 *
 * @param schemaId non-negative version number, increasing with every change of the topic's columns
 * @param columns  at least one column, names unique
 */
public record Schema(int schemaId, List<Column> columns) {

    /** Columns per batch are counted in an int16 of the batch header. */
    public static final int MAX_COLUMNS = Short.MAX_VALUE;

    public Schema {
        if (schemaId < 0) {
            throw new IllegalArgumentException("schema id " + schemaId + " is negative");
        }
        columns = List.copyOf(columns);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("schema " + schemaId + " has no columns");
        }
        if (columns.size() > MAX_COLUMNS) {
            throw new IllegalArgumentException("schema " + schemaId + " has " + columns.size()
                    + " columns, at most " + MAX_COLUMNS + " are supported");
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            Integer previous = seen.putIfAbsent(columns.get(i).name(), i);
            if (previous != null) {
                throw new IllegalArgumentException("schema " + schemaId + ": column name "
                        + columns.get(i).name() + " appears at " + previous + " and " + i);
            }
        }
    }

    public static Schema of(int schemaId, Column... columns) {
        return new Schema(schemaId, List.of(columns));
    }

    public int columnCount() {
        return columns.size();
    }

    public Column column(int index) {
        return columns.get(index);
    }

    /** Index of the column named {@code name}, or -1. Names compare exactly. */
    public int indexOf(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The schema after {@code ALTER TOPIC ... ADD COLUMN}: the same columns plus {@code column} at
     * the end, with the next schema id. An added column must be nullable, since older batches have
     * no value for it.
     */
    public Schema withColumn(Column column) {
        if (!column.nullable()) {
            throw new IllegalArgumentException("added column " + column.name()
                    + " must be nullable: batches written before it read NULL");
        }
        List<Column> next = new ArrayList<>(columns);
        next.add(column);
        return new Schema(schemaId + 1, next);
    }
}
